#!/usr/bin/env bash
# Runs the whole test suite against a throwaway PostgreSQL server.
#
#   scripts/test.sh [extra dotnet test args...]
#
# Works on a fresh Debian 12 machine as root: installs PostgreSQL from Debian if its server binaries
# are missing, starts a private instance (temp dir, free loopback port), exports
# BANKLEDGER_TEST_POSTGRES, runs `dotnet test`, always stops the instance and removes its files.
# The last line printed is the summary: "N passed, N failed[, N skipped]".
#
# Environment:
#   BANKLEDGER_TEST_TARGET   project/solution to test (default: BankLedger.Akka.sln)
#   BANKLEDGER_PG_START_TIMEOUT  seconds to wait for PostgreSQL to accept connections (default: 60)
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

target="${BANKLEDGER_TEST_TARGET:-BankLedger.Akka.sln}"
start_timeout="${BANKLEDGER_PG_START_TIMEOUT:-60}"

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
# PostgreSQL server binaries
# ---------------------------------------------------------------------------------------------
find_pg_bin() {
    local d
    d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    if [[ -n "$d" && -x "$d/pg_ctl" && -x "$d/initdb" && -x "$d/postgres" ]]; then
        echo "$d"
    fi
}

pg_bin="$(find_pg_bin)"
if [[ -z "$pg_bin" ]]; then
    log "PostgreSQL server binaries not found; installing Debian's postgresql package"
    export DEBIAN_FRONTEND=noninteractive
    if ! { apt-get update && apt-get install -y postgresql; }; then
        log "installing postgresql failed"
        echo "0 passed, 1 failed"
        exit 1
    fi
    # The package may auto-start its own cluster; we never use it.
    service postgresql stop >/dev/null 2>&1 || true
    pg_bin="$(find_pg_bin)"
    if [[ -z "$pg_bin" ]]; then
        log "postgresql installed but no /usr/lib/postgresql/*/bin/pg_ctl found"
        echo "0 passed, 1 failed"
        exit 1
    fi
fi

if ! id postgres >/dev/null 2>&1; then
    log "OS user 'postgres' is missing (it is created by Debian's postgresql-common)"
    echo "0 passed, 1 failed"
    exit 1
fi

# Run a command as the postgres OS user (initdb/postgres refuse to run as root).
as_postgres() {
    # Run from a folder the postgres user can enter (the repo may not be readable to it).
    (
        cd /
        if [[ "$(id -u)" == "$(id -u postgres)" ]]; then
            "$@"
        elif command -v runuser >/dev/null 2>&1; then
            runuser -u postgres -- "$@"
        else
            printf -v q '%q ' "$@"
            su postgres -s /bin/sh -c "$q"
        fi
    )
}

# ---------------------------------------------------------------------------------------------
# Throwaway instance
# ---------------------------------------------------------------------------------------------
# Under /tmp (not $TMPDIR): the postgres user must reach it and unix socket paths must stay short.
work_dir="$(mktemp -d /tmp/bankledger-test.XXXXXX)"
chmod 755 "$work_dir"                      # the postgres user must traverse it
pg_data="$work_dir/pgdata"
pg_sock="$work_dir/sock"
pg_log="$work_dir/postgres.log"
results_dir="$work_dir/results"
mkdir -p "$pg_sock" "$results_dir"
chown postgres: "$pg_sock"
touch "$pg_log" && chown postgres: "$pg_log"
pg_started=0

cleanup() {
    local rc=$?
    set +e
    if ((pg_started)); then
        as_postgres "$pg_bin/pg_ctl" -D "$pg_data" -m immediate -w -t 30 stop >/dev/null 2>&1
    fi
    # Belt and braces: kill a postmaster that pg_ctl could not stop.
    if [[ -f "$pg_data/postmaster.pid" ]]; then
        local pid
        pid="$(head -n 1 "$pg_data/postmaster.pid" 2>/dev/null)"
        [[ "$pid" =~ ^[0-9]+$ ]] && kill -9 "$pid" 2>/dev/null
    fi
    rm -rf "$work_dir"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

free_port() {
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
    else
        # Probe random high ports until one refuses connections.
        local p
        for _ in $(seq 1 200); do
            p=$((20000 + RANDOM % 40000))
            if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
                echo "$p"
                return
            fi
        done
        return 1
    fi
}

mkdir -p "$pg_data" && chown postgres: "$pg_data" && chmod 700 "$pg_data"
if ! as_postgres "$pg_bin/initdb" -D "$pg_data" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=reject >"$work_dir/initdb.log" 2>&1; then
    cat "$work_dir/initdb.log" >&2
    log "initdb failed"
    echo "0 passed, 1 failed"
    exit 1
fi
# Trust only the loopback interface (and the private unix socket); nothing else.
cat >"$pg_data/pg_hba.conf" <<'HBA'
# TYPE  DATABASE  USER  ADDRESS        METHOD
local   all       all                  trust
host    all       all   127.0.0.1/32   trust
HBA
chown postgres: "$pg_data/pg_hba.conf"

# Start on a free port; if another process grabs the port first, retry with a new one.
pg_port=""
for attempt in 1 2 3 4 5; do
    port="$(free_port)"
    : >"$pg_log"
    as_postgres "$pg_bin/pg_ctl" -D "$pg_data" -l "$pg_log" -W start -o \
        "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$pg_sock -c max_connections=200" \
        >/dev/null
    pg_started=1
    deadline=$((SECONDS + start_timeout))
    while :; do
        if "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -t 1; then
            pg_port="$port"
            break
        fi
        # Did the postmaster give up (e.g. port taken)? Then stop polling.
        if ! as_postgres "$pg_bin/pg_ctl" -D "$pg_data" status >/dev/null 2>&1; then
            break
        fi
        if ((SECONDS >= deadline)); then
            break
        fi
        sleep 0.1
    done
    [[ -n "$pg_port" ]] && break
    log "PostgreSQL did not come up on port $port (attempt $attempt):"
    tail -n 20 "$pg_log" >&2 || true
    as_postgres "$pg_bin/pg_ctl" -D "$pg_data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    pg_started=0
done
if [[ -z "$pg_port" ]]; then
    log "could not start PostgreSQL"
    echo "0 passed, 1 failed"
    exit 1
fi

"$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres bankledger_test

export BANKLEDGER_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=bankledger_test;Pooling=true;Maximum Pool Size=50"
pg_version="$("$pg_bin/postgres" --version 2>/dev/null || echo postgres)"
echo "PostgreSQL ($pg_version) running at 127.0.0.1:$pg_port, data in $pg_data (throwaway; removed on exit)"

# ---------------------------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------------------------
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

test_rc=0
dotnet test "$target" -c Release --logger "trx" --results-directory "$results_dir" "$@" || test_rc=$?

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
