#!/usr/bin/env bash
# Tidemark's private PostgreSQL: install, initialise, start, stop, create databases.
#
#   scripts/pg.sh start            install if missing, initdb once, start, wait until ready, create the app database
#   scripts/pg.sh stop             stop the server (fast shutdown)
#   scripts/pg.sh status           say whether it runs and where
#   scripts/pg.sh createdb NAME    create database NAME (no-op when it exists)
#   scripts/pg.sh dropdb NAME      drop database NAME (no-op when absent)
#   scripts/pg.sh url [NAME]       print the DATABASE_URL of database NAME (default: the app database)
#   scripts/pg.sh droptemplates    drop the tests' template databases (tmpl_<time>_<pid>_…) whose process has ended
#
# Every command is idempotent. Settings (environment):
#   TIDEMARK_PG_PORT   TCP port on 127.0.0.1 (default 54329)
#   TIDEMARK_PG_DIR    data folder (default <repo>/.local/pg, git-ignored)
#   TIDEMARK_PG_USER   OS user that runs the server when this script runs as root (default tidemark)
#   TIDEMARK_DB_NAME   the app database (default tidemark)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${TIDEMARK_PG_PORT:-54329}"
PGBASE="${TIDEMARK_PG_DIR:-$ROOT/.local/pg}"
RUN_USER="${TIDEMARK_PG_USER:-tidemark}"
DB_NAME="${TIDEMARK_DB_NAME:-tidemark}"
SUPERUSER="tidemark"

log() { printf 'pg: %s\n' "$*" >&2; }
die() { printf 'pg: error: %s\n' "$*" >&2; exit 1; }

find_bindir() {
    local d
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [[ -x "$d/initdb" && -x "$d/pg_ctl" ]]; then echo "$d"; return 0; fi
    done
    if command -v pg_config >/dev/null 2>&1 && [[ -x "$(pg_config --bindir)/initdb" ]]; then
        pg_config --bindir; return 0
    fi
    return 1
}

install_server() {
    log "PostgreSQL server not found; installing Debian's postgresql package"
    local sudo=""
    if [[ "$(id -u)" != 0 ]]; then
        command -v sudo >/dev/null 2>&1 || die "need root (or sudo) to install postgresql"
        sudo="sudo"
    fi
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib >/dev/null
}

BINDIR="$(find_bindir || true)"

# Run a PostgreSQL binary as the unprivileged server user (PostgreSQL refuses to run as root).
as_pg() {
    if [[ "$(id -u)" == 0 ]]; then
        runuser -u "$RUN_USER" -- "$@"
    else
        "$@"
    fi
}

ensure_user() {
    [[ "$(id -u)" == 0 ]] || return 0
    if ! id "$RUN_USER" >/dev/null 2>&1; then
        log "creating system user $RUN_USER to run PostgreSQL"
        useradd --system --no-create-home --shell /usr/sbin/nologin "$RUN_USER"
    fi
}

ensure_datadir() {
    mkdir -p "$(dirname "$PGBASE")"
    if [[ ! -e "$PGBASE" ]]; then
        mkdir -p "$PGBASE"
    fi
    if [[ "$(id -u)" == 0 ]]; then
        # The server user must be able to reach the data folder. When the checkout lives under a
        # private home (for example /root), keep the data in a per-checkout folder under /var/tmp and
        # link it from the git-ignored .local/pg.
        if ! runuser -u "$RUN_USER" -- test -x "$PGBASE/.." 2>/dev/null; then
            local alt
            alt="/var/tmp/tidemark-pg-$(printf '%s' "$ROOT" | md5sum | cut -c1-12)"
            log "$PGBASE is not reachable by $RUN_USER; keeping data in $alt"
            mkdir -p "$alt"
            if [[ -d "$PGBASE" && ! -L "$PGBASE" ]]; then rmdir "$PGBASE" 2>/dev/null || true; fi
            [[ -L "$PGBASE" ]] || ln -s "$alt" "$PGBASE"
        fi
        chown "$RUN_USER" "$(readlink -f "$PGBASE")"
    fi
}

DATA() { echo "$(readlink -f "$PGBASE")/data"; }
SOCK() { echo "$(readlink -f "$PGBASE")/run"; }

is_running() {
    [[ -n "$BINDIR" && -f "$(DATA)/PG_VERSION" ]] || return 1
    as_pg "$BINDIR/pg_ctl" -D "$(DATA)" status >/dev/null 2>&1
}

psql_admin() {
    "$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U "$SUPERUSER" -d postgres "$@"
}

wait_ready() {
    local i
    for i in $(seq 1 120); do
        if "$BINDIR/pg_isready" -q -h 127.0.0.1 -p "$PORT" -U "$SUPERUSER" >/dev/null 2>&1; then return 0; fi
        sleep 0.25
    done
    die "PostgreSQL did not accept connections on 127.0.0.1:$PORT within 30 s; see $(readlink -f "$PGBASE")/server.log"
}

cmd_start() {
    if [[ -z "$BINDIR" ]]; then install_server; BINDIR="$(find_bindir)" || die "postgresql installed but initdb not found"; fi
    ensure_user
    ensure_datadir
    local data sock
    data="$(DATA)"; sock="$(SOCK)"
    as_pg mkdir -p "$sock"
    if [[ ! -f "$data/PG_VERSION" ]]; then
        log "initialising a new cluster in $data"
        as_pg "$BINDIR/initdb" -D "$data" -U "$SUPERUSER" --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null \
          || as_pg "$BINDIR/initdb" -D "$data" -U "$SUPERUSER" --auth=trust --encoding=UTF8 --locale=C >/dev/null
        cat <<CONF | as_pg tee -a "$data/postgresql.conf" >/dev/null
# --- Tidemark local development settings ---
listen_addresses = '127.0.0.1'
max_connections = 1000
shared_buffers = 256MB
max_wal_size = 4GB
log_min_duration_statement = -1
CONF
    fi
    if is_running; then
        log "already running on 127.0.0.1:$PORT (data $data)"
    else
        log "starting on 127.0.0.1:$PORT (data $data)"
        as_pg "$BINDIR/pg_ctl" -D "$data" -l "$(readlink -f "$PGBASE")/server.log" -w -t 60 \
            -o "-p $PORT -k $sock -c max_connections=1000" start >/dev/null \
            || die "pg_ctl start failed; see $(readlink -f "$PGBASE")/server.log"
    fi
    wait_ready
    cmd_createdb "$DB_NAME"
}

cmd_stop() {
    if is_running; then
        log "stopping"
        as_pg "$BINDIR/pg_ctl" -D "$(DATA)" -m fast -w stop >/dev/null
    else
        log "not running"
    fi
}

cmd_status() {
    if is_running; then echo "running on 127.0.0.1:$PORT, data $(DATA)"; else echo "not running"; exit 3; fi
}

valid_name() { [[ "$1" =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || die "invalid database name '$1' (lower-case letters, digits, _)"; }

cmd_createdb() {
    local name="$1"; valid_name "$name"
    if [[ "$(psql_admin -tA -c "SELECT 1 FROM pg_database WHERE datname = '$name'")" != 1 ]]; then
        psql_admin -c "CREATE DATABASE \"$name\"" 2>/dev/null || \
          [[ "$(psql_admin -tA -c "SELECT 1 FROM pg_database WHERE datname = '$name'")" == 1 ]] || die "could not create $name"
        log "created database $name"
    fi
}

cmd_dropdb() {
    local name="$1"; valid_name "$name"
    psql_admin -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" >/dev/null
}

cmd_droptemplates() {
    local name rest pid
    for name in $(psql_admin -tA -c "SELECT datname FROM pg_database WHERE datname LIKE 'tmpl\_%'"); do
        rest="${name#tmpl_*_}"; pid="${rest%%_*}"
        [[ "$pid" =~ ^[0-9]+$ ]] || continue
        if ! ps -p "$pid" >/dev/null 2>&1; then cmd_dropdb "$name"; fi
    done
}

cmd_url() {
    local name="${1:-$DB_NAME}"
    echo "postgres://$SUPERUSER@127.0.0.1:$PORT/$name"
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    createdb) [[ $# -eq 2 ]] || die "usage: pg.sh createdb NAME"; cmd_createdb "$2" ;;
    dropdb) [[ $# -eq 2 ]] || die "usage: pg.sh dropdb NAME"; cmd_dropdb "$2" ;;
    url) cmd_url "${2:-}" ;;
    droptemplates) cmd_droptemplates ;;
    *) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
