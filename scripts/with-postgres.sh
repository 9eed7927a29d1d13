#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server, then stops it and removes its files.
#
#   scripts/with-postgres.sh <command> [args...]
#
# Works on a fresh Debian 12 machine as root: installs PostgreSQL from Debian if its server binaries are
# missing, starts a private instance (data under /tmp, a free loopback port, trust auth on 127.0.0.1 only)
# with PostgreSQL's default durability (fsync=on, synchronous_commit=on), and exports for the command:
#   BANKLEDGER_TEST_POSTGRES   a database 'bankledger_test' (the test suite creates its own databases from it)
#   BANKLEDGER_BENCH_POSTGRES  the server's 'postgres' database (the benchmark creates throwaway databases)
# Exits with the command's exit code, or 3 if PostgreSQL could not be set up.
#
# Environment:
#   BANKLEDGER_PG_START_TIMEOUT  seconds to wait for PostgreSQL to accept connections (default: 60)
set -euo pipefail

start_timeout="${BANKLEDGER_PG_START_TIMEOUT:-60}"

log() { echo "[with-postgres] $*" >&2; }
fail() { log "$*"; exit 3; }

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
        fail "installing postgresql failed"
    fi
    # The package may auto-start its own cluster; we never use it.
    service postgresql stop >/dev/null 2>&1 || true
    pg_bin="$(find_pg_bin)"
    if [[ -z "$pg_bin" ]]; then
        fail "postgresql installed but no /usr/lib/postgresql/*/bin/pg_ctl found"
    fi
fi

if ! id postgres >/dev/null 2>&1; then
    fail "OS user 'postgres' is missing (it is created by Debian's postgresql-common)"
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
work_dir="$(mktemp -d /tmp/bankledger-pg.XXXXXX)"
chmod 755 "$work_dir"                      # the postgres user must traverse it
pg_data="$work_dir/pgdata"
pg_sock="$work_dir/sock"
pg_log="$work_dir/postgres.log"
mkdir -p "$pg_sock"
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
    fail "initdb failed"
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
        "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$pg_sock -c max_connections=300" \
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
    fail "could not start PostgreSQL"
fi

"$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres bankledger_test

export BANKLEDGER_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=bankledger_test;Pooling=true;Maximum Pool Size=50"
pg_version="$("$pg_bin/postgres" --version 2>/dev/null || echo postgres)"
export BANKLEDGER_BENCH_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"
log "PostgreSQL ($pg_version) running at 127.0.0.1:$pg_port, data in $pg_data (throwaway; removed on exit)"

command_rc=0
"$@" || command_rc=$?
exit "$command_rc"
