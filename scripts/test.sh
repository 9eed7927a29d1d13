#!/usr/bin/env bash
# Runs the whole test suite against a throwaway PostgreSQL server.
#
#   scripts/test.sh [extra dotnet test args...]
#
# Works on a fresh Debian 12 machine as root: scripts/with-postgres.sh installs PostgreSQL from Debian if
# its server binaries are missing, starts a private instance (temp dir, free loopback port), exports
# BANKLEDGER_TEST_POSTGRES for `dotnet test`, and always stops the instance and removes its files.
# The last line printed is the summary: "N passed, N failed[, N skipped]".
#
# Environment:
#   BANKLEDGER_TEST_TARGET   project/solution to test (default: BankLedger.Akka.sln)
#   BANKLEDGER_PG_START_TIMEOUT  seconds to wait for PostgreSQL to accept connections (default: 60; see with-postgres.sh)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

target="${BANKLEDGER_TEST_TARGET:-BankLedger.Akka.sln}"

log() { echo "[test.sh] $*" >&2; }

# ---------------------------------------------------------------------------------------------
# Summary: sum the <Counters> of every .trx; print "N passed, N failed[, N skipped]" last.
# ---------------------------------------------------------------------------------------------
trx_attr() {
    # usage: trx_attr <name> <counters-element>; prints the attribute's integer value or 0.
    local v
    v="$(sed -n "s/.*[[:space:]]$1=\"\([0-9]*\)\".*/\1/p" <<<"$2")"
    echo "${v:-0}"
}

summarize() {
    # usage: summarize <results-dir>; sets summary_files/total/passed/failed/skipped.
    local dir="$1" f counters k
    summary_files=0 summary_total=0 summary_passed=0 summary_failed=0 summary_skipped=0
    [[ -d "$dir" ]] || return 0
    while IFS= read -r -d '' f; do
        summary_files=$((summary_files + 1))
        counters="$(grep -o '<Counters [^>]*>' "$f" | head -n 1 || true)"
        if [[ -z "$counters" ]]; then
            summary_failed=$((summary_failed + 1))   # unreadable trx: count it against the run
            continue
        fi
        summary_total=$((summary_total + $(trx_attr total "$counters")))
        summary_passed=$((summary_passed + $(trx_attr passed "$counters")))
        # Anything that ran and did not pass is a failure.
        for k in failed error timeout aborted; do
            summary_failed=$((summary_failed + $(trx_attr "$k" "$counters")))
        done
        # Skipped tests: VSTest counts them in total but not in executed (notExecuted is often 0).
        local total executed not_executed skipped
        total="$(trx_attr total "$counters")"
        executed="$(trx_attr executed "$counters")"
        not_executed="$(trx_attr notExecuted "$counters")"
        skipped=$((total - executed))
        if ((skipped < not_executed)); then skipped=$not_executed; fi
        if ((skipped < 0)); then skipped=0; fi
        summary_skipped=$((summary_skipped + skipped))
    done < <(find "$dir" -type f -name '*.trx' -print0)
}

# ---------------------------------------------------------------------------------------------
# Tests, with a throwaway PostgreSQL (scripts/with-postgres.sh installs and starts it)
# ---------------------------------------------------------------------------------------------
results_dir="$(mktemp -d /tmp/bankledger-test.XXXXXX)"
trap 'rm -rf "$results_dir"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

test_rc=0
scripts/with-postgres.sh dotnet test "$target" -c Release --logger "trx" --results-directory "$results_dir" "$@" || test_rc=$?

summarize "$results_dir"

# The Elasticsearch conformance runner reports its own tally in its test output; surface it here.
if [[ -d "$results_dir" ]]; then
    grep -rhoE "conformance: [0-9]+ passed, [0-9]+ failed, [0-9]+ excluded" "$results_dir" --include='*.trx' | sort -u || true
fi

rc=0
if ((summary_files == 0)); then
    log "no test results were produced (build failure?)"
    rc=1
fi
if ((test_rc != 0)); then
    log "dotnet test exited with code $test_rc"
    rc=$test_rc
fi
if ((summary_failed > 0)); then
    rc=1
fi
if ((summary_total == 0)); then
    log "no tests ran"
    rc=1
fi
# Keep the summary consistent with the exit code: a failed run never reports "0 failed".
if ((rc != 0 && summary_failed == 0)); then
    summary_failed=1
fi

summary="$summary_passed passed, $summary_failed failed"
if ((summary_skipped > 0)); then
    summary+=", $summary_skipped skipped"
fi
echo "$summary"
exit "$rc"
