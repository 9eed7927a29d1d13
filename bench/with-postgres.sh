#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server (the same way scripts/test.sh starts one):
# private data folder under /tmp, a free loopback port, trust auth on 127.0.0.1 only; exports
# BANKLEDGER_BENCH_POSTGRES for the command; always stops the server and removes its files.
#
#   bench/with-postgres.sh dotnet run -c Release --project bench/BankLedger.Bench -- all --store postgresql
#
# Needs Debian's postgresql server binaries (scripts/test.sh installs them if missing) and root
# (initdb/postgres run as the 'postgres' OS user).
set -euo pipefail

log() { echo "[with-postgres] $*" >&2; }

pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
if [[ -z "$pg_bin" || ! -x "$pg_bin/pg_ctl" ]]; then
    log "PostgreSQL server binaries not found (apt-get install postgresql, or run scripts/test.sh once)"
    exit 1
fi

as_postgres() {
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

work_dir="$(mktemp -d /tmp/bankledger-bench-pg.XXXXXX)"
chmod 755 "$work_dir"
pg_data="$work_dir/pgdata"
pg_sock="$work_dir/sock"
pg_log="$work_dir/postgres.log"
mkdir -p "$pg_sock" "$pg_data"
chown postgres: "$pg_sock" "$pg_data"
chmod 700 "$pg_data"
touch "$pg_log" && chown postgres: "$pg_log"
pg_started=0

cleanup() {
    local rc=$?
    set +e
    if ((pg_started)); then
        as_postgres "$pg_bin/pg_ctl" -D "$pg_data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
            as_postgres "$pg_bin/pg_ctl" -D "$pg_data" -m immediate -w -t 30 stop >/dev/null 2>&1
    fi
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
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

as_postgres "$pg_bin/initdb" -D "$pg_data" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=reject >"$work_dir/initdb.log" 2>&1 || { cat "$work_dir/initdb.log" >&2; exit 1; }
cat >"$pg_data/pg_hba.conf" <<'HBA'
local   all       all                  trust
host    all       all   127.0.0.1/32   trust
HBA
chown postgres: "$pg_data/pg_hba.conf"

# Durability stays at PostgreSQL's defaults (fsync=on, synchronous_commit=on, full_page_writes=on):
# a 200 from the ledger must mean the event is on disk, and the CRUD baseline gets the same.
port="$(free_port)"
as_postgres "$pg_bin/pg_ctl" -D "$pg_data" -l "$pg_log" -W start -o \
    "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$pg_sock -c max_connections=300" >/dev/null
pg_started=1
for _ in $(seq 1 600); do
    "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -t 1 && break
    sleep 0.1
done
"$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -t 1 || { tail -n 20 "$pg_log" >&2; exit 1; }

export BANKLEDGER_BENCH_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
log "PostgreSQL ($("$pg_bin/postgres" --version)) at 127.0.0.1:$port (throwaway)"
"$@"
