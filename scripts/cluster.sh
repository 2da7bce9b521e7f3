#!/usr/bin/env bash
# Tidemark as a small cluster on one machine, from Debian's packages, as an unprivileged user:
#
#   PostgreSQL primary   127.0.0.1:54341   .local/cluster/pg-primary   (synchronous_standby_names = standby1)
#   PostgreSQL standby   127.0.0.1:54342   .local/cluster/pg-standby   (streaming, hot standby, slot standby1)
#   HAProxy → primary    127.0.0.1:54340   the node that answers "not in recovery" (external check)
#   synccli serve  ×3    127.0.0.1:18081-18083   DATABASE_URL through 54340; pull pages from the standby
#                                                (--read-database-url 127.0.0.1:54342) when it has caught up
#   HAProxy → servers    127.0.0.1:8080    round robin, /v1/health checks, WebSockets (tunnel)
#
#   scripts/cluster.sh start            install what is missing, initialise once, start every part
#   scripts/cluster.sh stop             stop the servers (SIGTERM), HAProxy, then both PostgreSQL nodes
#   scripts/cluster.sh status           every part and whether it is healthy (exit 3 when one is not)
#   scripts/cluster.sh kill-server N    kill -9 server N (1-3)            (failover drills)
#   scripts/cluster.sh start-server N   start server N again
#   scripts/cluster.sh stop-server N    SIGTERM server N and wait for it
#   scripts/cluster.sh kill-primary     kill -9 the primary PostgreSQL
#   scripts/cluster.sh promote          promote the standby (after losing the primary)
#   scripts/cluster.sh pid N            print server N's process id
#   scripts/cluster.sh env              print the URLs a client or a test uses
#
# Settings (environment): TIDEMARK_CLUSTER_DIR (default <repo>/.local/cluster),
# TIDEMARK_CLUSTER_HTTP_PORT (8080), TIDEMARK_CLUSTER_BASE_PORT (54340: HAProxy's PostgreSQL
# frontend; primary +1, standby +2), TIDEMARK_CLUSTER_SERVER_PORT (18081: the first server; the others
# follow), TIDEMARK_CLUSTER_SERVERS (3), TIDEMARK_PG_USER (tidemark), TIDEMARK_CLUSTER_BINARY
# (default .build/debug/synccli; `make cluster` builds it), TIDEMARK_CLUSTER_STANDBY_READS (1: the
# servers read pull pages from the standby when it has replayed what the cursor has seen, and from
# the primary otherwise; 0: every read on the primary). docs/operations.md#the-cluster explains the
# topology and each setting.
set -euo pipefail

# Descriptors the caller left open (a test process's sockets, say) must not leak into the
# long-lived processes this script starts: a server would otherwise keep the caller's listening
# socket bound after the caller closed it. Bash reads this script through descriptor 255.
for fd in /proc/$$/fd/*; do
    fd="${fd##*/}"
    if [[ "$fd" =~ ^[0-9]+$ ]] && (( fd > 2 && fd != 255 )); then eval "exec $fd>&-" 2>/dev/null || true; fi
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE="${TIDEMARK_CLUSTER_DIR:-$ROOT/.local/cluster}"
HTTP_PORT="${TIDEMARK_CLUSTER_HTTP_PORT:-8080}"
PG_FRONT="${TIDEMARK_CLUSTER_BASE_PORT:-54340}"
PG_PRIMARY=$((PG_FRONT + 1))
PG_STANDBY=$((PG_FRONT + 2))
SERVER_PORT="${TIDEMARK_CLUSTER_SERVER_PORT:-18081}"
SERVERS="${TIDEMARK_CLUSTER_SERVERS:-3}"
RUN_USER="${TIDEMARK_PG_USER:-tidemark}"
STANDBY_READS="${TIDEMARK_CLUSTER_STANDBY_READS:-1}"
BINARY="${TIDEMARK_CLUSTER_BINARY:-$ROOT/.build/debug/synccli}"
DB_NAME="tidemark"
SUPERUSER="tidemark"
HAPROXY_STATS="$BASE/haproxy.sock"

log() { printf 'cluster: %s\n' "$*" >&2; }
die() { printf 'cluster: error: %s\n' "$*" >&2; exit 1; }

# --- installation and users -------------------------------------------------------------------

find_bindir() {
    local d
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [[ -x "$d/initdb" && -x "$d/pg_basebackup" ]]; then echo "$d"; return 0; fi
    done
    return 1
}

apt_install() {
    local sudo=""
    if [[ "$(id -u)" != 0 ]]; then
        command -v sudo >/dev/null 2>&1 || die "need root (or sudo) to install $*"
        sudo="sudo"
    fi
    log "installing $*"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

ensure_packages() {
    [[ -n "$(find_bindir || true)" ]] || apt_install postgresql postgresql-contrib
    command -v haproxy >/dev/null 2>&1 || apt_install haproxy
    command -v curl >/dev/null 2>&1 || apt_install curl
    command -v psql >/dev/null 2>&1 || apt_install postgresql-client
}

# Runs a command as the unprivileged user when this script runs as root (PostgreSQL refuses root;
# the other parts follow it so every file under the cluster folder has one owner).
as_user() {
    if [[ "$(id -u)" == 0 ]]; then runuser -u "$RUN_USER" -- "$@"; else "$@"; fi
}

ensure_user_and_dir() {
    if [[ "$(id -u)" == 0 ]] && ! id "$RUN_USER" >/dev/null 2>&1; then
        log "creating system user $RUN_USER"
        useradd --system --no-create-home --shell /usr/sbin/nologin "$RUN_USER"
    fi
    mkdir -p "$(dirname "$BASE")"
    if [[ ! -e "$BASE" ]]; then mkdir -p "$BASE"; fi
    if [[ "$(id -u)" == 0 ]]; then
        # The user must reach the folder; under a private home (/root) keep it under /var/tmp.
        if ! runuser -u "$RUN_USER" -- test -x "$BASE/.." 2>/dev/null; then
            local alt
            alt="/var/tmp/tidemark-cluster-$(printf '%s' "$ROOT" | md5sum | cut -c1-12)"
            mkdir -p "$alt"
            if [[ -d "$BASE" && ! -L "$BASE" ]]; then rmdir "$BASE" 2>/dev/null || true; fi
            [[ -L "$BASE" ]] || ln -s "$alt" "$BASE"
        fi
        chown "$RUN_USER" "$(readlink -f "$BASE")"
    fi
    as_user mkdir -p "$(dir)/run"
}

dir() { readlink -f "$BASE"; }

# --- PostgreSQL -------------------------------------------------------------------------------

BINDIR=""
pg() { as_user "$BINDIR/$1" "${@:2}"; }

pg_running() { [[ -f "$1/PG_VERSION" ]] && pg pg_ctl -D "$1" status >/dev/null 2>&1; }

pg_start_node() {
    local data="$1" port="$2" name="$3"
    if pg_running "$data"; then return 0; fi
    log "starting $name on 127.0.0.1:$port"
    pg pg_ctl -D "$data" -l "$(dir)/$name.log" -w -t 60 -o "-p $port -k $(dir)/run" start >/dev/null \
        || die "$name did not start; see $(dir)/$name.log"
}

init_primary() {
    local data; data="$(dir)/pg-primary"
    [[ -f "$data/PG_VERSION" ]] && return 0
    log "initialising the primary in $data"
    pg initdb -D "$data" -U "$SUPERUSER" --auth=trust --encoding=UTF8 --locale=C >/dev/null
    cat <<CONF | as_user tee -a "$data/postgresql.conf" >/dev/null
# --- Tidemark cluster: primary ---
listen_addresses = '127.0.0.1'
max_connections = 400
shared_buffers = 128MB
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
hot_standby = on
wal_keep_size = 256MB
# An acknowledged commit is on the standby too: losing the primary loses no acknowledged write.
synchronous_standby_names = 'FIRST 1 (standby1)'
synchronous_commit = on
# After a failover this node may come back as a standby of the new primary (pg_rewind).
wal_log_hints = on
CONF
    echo "host replication $SUPERUSER 127.0.0.1/32 trust" | as_user tee -a "$data/pg_hba.conf" >/dev/null
}

init_standby() {
    local data; data="$(dir)/pg-standby"
    [[ -f "$data/PG_VERSION" ]] && return 0
    log "copying the primary into the standby (pg_basebackup, slot standby1)"
    as_user mkdir -p "$data"
    as_user chmod 700 "$data"
    pg pg_basebackup -h 127.0.0.1 -p "$PG_PRIMARY" -U "$SUPERUSER" -D "$data" -X stream -R -C -S standby1 >/dev/null \
        || die "pg_basebackup failed"
    # application_name is the name synchronous_standby_names waits for.
    echo "primary_conninfo = 'host=127.0.0.1 port=$PG_PRIMARY user=$SUPERUSER application_name=standby1'" \
        | as_user tee -a "$data/postgresql.auto.conf" >/dev/null
    echo "primary_slot_name = 'standby1'" | as_user tee -a "$data/postgresql.auto.conf" >/dev/null
}

psql_at() { "$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$1" -U "$SUPERUSER" -d "${2:-postgres}" "${@:3}"; }

ensure_database() {
    if [[ "$(psql_at "$PG_PRIMARY" postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" != 1 ]]; then
        psql_at "$PG_PRIMARY" postgres -c "CREATE DATABASE $DB_NAME" >/dev/null
    fi
}

# --- HAProxy ----------------------------------------------------------------------------------

write_haproxy_config() {
    local cfg="$(dir)/haproxy.cfg" servers="" i
    for i in $(seq 1 "$SERVERS"); do
        servers+="    server serve$i 127.0.0.1:$((SERVER_PORT + i - 1)) check inter 500ms fall 2 rise 2"$'\n'
    done
    cat > "$(dir)/pg-is-primary.sh" <<CHECK
#!/bin/sh
# HAProxy external check: succeeds when the node at \$3:\$4 accepts writes (not in recovery).
[ "\$("$BINDIR/psql" -X -w -h "\$3" -p "\$4" -U $SUPERUSER -d postgres -tAc 'SELECT NOT pg_is_in_recovery()' 2>/dev/null)" = "t" ]
CHECK
    chmod 755 "$(dir)/pg-is-primary.sh"
    cat > "$cfg" <<CFG
# Generated by scripts/cluster.sh; see docs/operations.md#the-cluster.
global
    log stderr format short local0 notice
    stats socket $HAPROXY_STATS mode 600 level admin
    # The PostgreSQL check runs psql (external-check needs fork).
    insecure-fork-wanted
    external-check

defaults
    log global
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    # WebSockets: once upgraded, a connection may stay quiet (the server pings every 30 s).
    timeout tunnel 1h
    retries 3

# Clients: any instance may answer any request (no stickiness); an instance that fails
# /v1/health (its database does not answer) gets no new requests.
frontend tidemark_http
    bind 127.0.0.1:$HTTP_PORT
    mode http
    option forwardfor
    default_backend tidemark_servers

backend tidemark_servers
    mode http
    balance roundrobin
    option httpchk GET /v1/health
    http-check expect status 200
    # A refused connection (an instance just killed, not yet marked down) is tried again on
    # another instance at once, instead of the same one after HAProxy's 1 s turn-around.
    option redispatch 1
$servers
# Servers reach PostgreSQL through here: only the node that accepts writes is up. After the
# standby's promotion the check finds it within seconds; connections to a node marked down are cut.
frontend tidemark_pg
    bind 127.0.0.1:$PG_FRONT
    mode tcp
    default_backend tidemark_pg_primary

backend tidemark_pg_primary
    mode tcp
    balance first
    option external-check
    external-check path "/usr/bin:/bin"
    external-check command $(dir)/pg-is-primary.sh
    default-server inter 500ms fall 2 rise 1 on-marked-down shutdown-sessions
    server primary 127.0.0.1:$PG_PRIMARY check
    server standby 127.0.0.1:$PG_STANDBY check
CFG
    chown -R "$RUN_USER" "$cfg" "$(dir)/pg-is-primary.sh" 2>/dev/null || true
}

# HAProxy takes every server for up until its first checks ran: wait until its PostgreSQL
# frontend reaches the node that accepts writes, six times in a row.
wait_pg_front() {
    local i good=0
    for i in $(seq 1 120); do
        if [[ "$(psql_at "$PG_FRONT" postgres -tAc 'SELECT NOT pg_is_in_recovery()' 2>/dev/null || true)" == t ]]; then
            good=$((good + 1)); [[ "$good" -ge 6 ]] && return 0
        else
            good=0
        fi
        sleep 0.25
    done
    die "HAProxy does not reach a primary on 127.0.0.1:$PG_FRONT after 30 s; see scripts/cluster.sh status"
}

haproxy_pid() { cat "$(dir)/run/haproxy.pid" 2>/dev/null || true; }
haproxy_running() { local p; p="$(haproxy_pid)"; [[ -n "$p" ]] && kill -0 "$p" 2>/dev/null; }

start_haproxy() {
    write_haproxy_config
    haproxy -c -q -f "$(dir)/haproxy.cfg" || die "the generated haproxy.cfg is invalid"
    if haproxy_running; then
        log "reloading HAProxy"
        as_user haproxy -D -f "$(dir)/haproxy.cfg" -p "$(dir)/run/haproxy.pid" -sf "$(haproxy_pid)"
    else
        log "starting HAProxy on 127.0.0.1:$HTTP_PORT (HTTP) and 127.0.0.1:$PG_FRONT (PostgreSQL primary)"
        as_user haproxy -D -f "$(dir)/haproxy.cfg" -p "$(dir)/run/haproxy.pid"
    fi
}

# --- servers ----------------------------------------------------------------------------------

server_pid() { cat "$(dir)/run/serve-$1.pid" 2>/dev/null || true; }
server_running() { local p; p="$(server_pid "$1")"; [[ -n "$p" ]] && kill -0 "$p" 2>/dev/null; }

start_server() {
    local n="$1"; local port=$((SERVER_PORT + n - 1))
    server_running "$n" && return 0
    [[ -x "$BINARY" ]] || die "no synccli at $BINARY; run make cluster (it builds it)"
    local secret; secret="$("$ROOT/scripts/token-secret.sh")"
    log "starting server $n on 127.0.0.1:$port"
    # Migrations ran once at start (synccli migrate); instances start without them.
    # The pid file holds the server's own pid (the shell records its pid, then execs the server):
    # runuser does not pass SIGTERM on, so signalling its pid would leave the server running.
    local pidfile; pidfile="$(dir)/run/serve-$n.pid"
    rm -f "$pidfile"
    # Pull pages from the standby directly (not through HAProxy): after a promotion it is the
    # primary, and a dead standby makes the servers read from the primary (docs/operations.md).
    local reads=()
    [[ "$STANDBY_READS" == 0 ]] || reads=(--read-database-url "postgres://$SUPERUSER@127.0.0.1:$PG_STANDBY/$DB_NAME")
    as_user env TIDEMARK_JWT_SECRET="$secret" sh -c 'echo $$ > "$0"; shift; exec "$@"' "$pidfile" _ \
        "$BINARY" serve --port "$port" --no-migrate --shutdown-grace 10 --drain-seconds 3 --request-deadline 3 \
        --database-url "postgres://$SUPERUSER@127.0.0.1:$PG_FRONT/$DB_NAME" \
        "${reads[@]}" \
        --trusted-proxy 127.0.0.1 \
        >>"$(dir)/serve-$n.log" 2>&1 &
    local i
    for i in $(seq 1 40); do [[ -s "$pidfile" ]] && return 0; sleep 0.05; done
    die "server $n did not start (no pid file); see $(dir)/serve-$n.log"
}

wait_ready() {
    local n="$1"; local port=$((SERVER_PORT + n - 1)) i
    for i in $(seq 1 240); do
        if curl -fsS -m 2 "http://127.0.0.1:$port/v1/health" >/dev/null 2>&1; then return 0; fi
        server_running "$n" || die "server $n exited; see $(dir)/serve-$n.log"
        sleep 0.25
    done
    die "server $n is not ready after 60 s; see $(dir)/serve-$n.log"
}

stop_server() {
    local n="$1" p i
    p="$(server_pid "$n")"
    [[ -n "$p" ]] && kill -0 "$p" 2>/dev/null || return 0
    log "stopping server $n (SIGTERM)"
    kill -TERM "$p"
    for i in $(seq 1 80); do kill -0 "$p" 2>/dev/null || return 0; sleep 0.25; done
    log "server $n did not exit within 20 s; killing it"
    kill -KILL "$p" 2>/dev/null || true
}

# --- commands ---------------------------------------------------------------------------------

cmd_start() {
    ensure_packages
    BINDIR="$(find_bindir)"
    ensure_user_and_dir
    init_primary
    pg_start_node "$(dir)/pg-primary" "$PG_PRIMARY" pg-primary
    init_standby
    pg_start_node "$(dir)/pg-standby" "$PG_STANDBY" pg-standby
    ensure_database
    start_haproxy
    wait_pg_front
    local secret; secret="$("$ROOT/scripts/token-secret.sh")"
    log "migrating through HAProxy"
    TIDEMARK_JWT_SECRET="$secret" "$BINARY" migrate --database-url "postgres://$SUPERUSER@127.0.0.1:$PG_FRONT/$DB_NAME" >/dev/null
    local n
    for n in $(seq 1 "$SERVERS"); do start_server "$n"; done
    for n in $(seq 1 "$SERVERS"); do wait_ready "$n"; done
    log "ready: http://127.0.0.1:$HTTP_PORT (scripts/cluster.sh status)"
}

cmd_stop() {
    BINDIR="$(find_bindir || true)"
    [[ -e "$BASE" ]] || { log "no cluster in $BASE"; return 0; }
    local n
    for n in $(seq 1 "$SERVERS"); do stop_server "$n"; done
    if haproxy_running; then log "stopping HAProxy"; kill -TERM "$(haproxy_pid)" || true; fi
    if [[ -n "$BINDIR" ]]; then
        local node
        for node in pg-standby pg-primary; do
            if pg_running "$(dir)/$node"; then log "stopping $node"; pg pg_ctl -D "$(dir)/$node" -m fast -w stop >/dev/null || true; fi
        done
    fi
}

row() { printf '%-22s %-8s %s\n' "$1" "$2" "$3"; }

cmd_status() {
    BINDIR="$(find_bindir || true)"
    [[ -n "$BINDIR" && -e "$BASE" ]] || { echo "no cluster (scripts/cluster.sh start)"; exit 3; }
    local bad=0 role lag n port
    for spec in "pg-primary:$PG_PRIMARY" "pg-standby:$PG_STANDBY"; do
        local name="${spec%%:*}" p="${spec##*:}"
        if role="$(psql_at "$p" postgres -tAc "SELECT CASE WHEN pg_is_in_recovery() THEN 'standby' ELSE 'primary' END" 2>/dev/null)"; then
            row "$name :$p" ok "$role"
        else
            row "$name :$p" DOWN "not answering"; bad=1
        fi
    done
    local primary_port
    primary_port="$(psql_at "$PG_FRONT" postgres -tAc "SELECT current_setting('port')" 2>/dev/null || true)"
    if [[ -n "$primary_port" ]]; then
        row "haproxy pg :$PG_FRONT" ok "writes go to :$primary_port"
        lag="$(psql_at "$PG_FRONT" postgres -tAc "SELECT coalesce(string_agg(application_name || ' ' || sync_state || ' ' || state || ' replay lag ' || coalesce(replay_lag::text, '0'), '; '), 'none') FROM pg_stat_replication" 2>/dev/null || true)"
        row "replication" "$([[ "$lag" == *sync* ]] && echo ok || echo WARN)" "${lag:-unknown}"
        [[ "$lag" == *sync* ]] || bad=1
    else
        row "haproxy pg :$PG_FRONT" DOWN "no primary behind it"; bad=1
    fi
    for n in $(seq 1 "$SERVERS"); do
        port=$((SERVER_PORT + n - 1))
        if ! server_running "$n"; then row "serve$n :$port" DOWN "not running"; bad=1; continue; fi
        if curl -fsS -m 2 "http://127.0.0.1:$port/v1/health" >/dev/null 2>&1; then
            row "serve$n :$port" ok "ready (pid $(server_pid "$n"))"
        else
            row "serve$n :$port" DOWN "not ready (pid $(server_pid "$n")); see $(dir)/serve-$n.log"; bad=1
        fi
    done
    # What the running servers were started with (not this shell's TIDEMARK_CLUSTER_STANDBY_READS).
    if server_running 1; then
        if tr '\0' ' ' < "/proc/$(server_pid 1)/cmdline" 2>/dev/null | grep -q -- '--read-database-url'; then
            row "pull reads" ok "from the standby :$PG_STANDBY when it has caught up, else the primary"
        else
            row "pull reads" ok "primary only (TIDEMARK_CLUSTER_STANDBY_READS=0)"
        fi
    fi
    if curl -fsS -m 2 "http://127.0.0.1:$HTTP_PORT/health" >/dev/null 2>&1; then
        row "haproxy http :$HTTP_PORT" ok "balancing $SERVERS servers"
    else
        row "haproxy http :$HTTP_PORT" DOWN "no answer"; bad=1
    fi
    [[ "$bad" == 0 ]] || exit 3
}

cmd_env() {
    echo "TIDEMARK_CLUSTER_URL=http://127.0.0.1:$HTTP_PORT"
    echo "TIDEMARK_CLUSTER_DATABASE_URL=postgres://$SUPERUSER@127.0.0.1:$PG_FRONT/$DB_NAME"
    echo "TIDEMARK_CLUSTER_PRIMARY_URL=postgres://$SUPERUSER@127.0.0.1:$PG_PRIMARY/$DB_NAME"
    echo "TIDEMARK_CLUSTER_STANDBY_URL=postgres://$SUPERUSER@127.0.0.1:$PG_STANDBY/$DB_NAME"
    local n
    for n in $(seq 1 "$SERVERS"); do echo "TIDEMARK_CLUSTER_SERVER_$n=http://127.0.0.1:$((SERVER_PORT + n - 1))"; done
}

valid_server() { [[ "$1" =~ ^[0-9]+$ ]] && (( $1 >= 1 && $1 <= SERVERS )) || die "server must be 1-$SERVERS"; }

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    env) cmd_env ;;
    kill-server) valid_server "${2:-}"; p="$(server_pid "$2")"; [[ -n "$p" ]] && kill -KILL "$p" 2>/dev/null; log "killed server $2" ;;
    stop-server) valid_server "${2:-}"; stop_server "$2" ;;
    pid) valid_server "${2:-}"; p="$(server_pid "$2")"; [[ -n "$p" ]] || die "server $2 is not running"; echo "$p" ;;
    start-server) valid_server "${2:-}"; BINDIR="$(find_bindir)"; start_server "$2"; wait_ready "$2" ;;
    kill-primary)
        BINDIR="$(find_bindir)"
        p="$(head -1 "$(dir)/pg-primary/postmaster.pid" 2>/dev/null || true)"
        [[ -n "$p" ]] || die "the primary is not running"
        kill -KILL "$p"; log "killed the primary (pid $p)" ;;
    promote)
        BINDIR="$(find_bindir)"
        pg pg_ctl -D "$(dir)/pg-standby" -w promote >/dev/null
        # The new primary has no standby yet: it must not wait for one to acknowledge commits.
        psql_at "$PG_STANDBY" postgres -c "ALTER SYSTEM SET synchronous_standby_names = ''" -c "SELECT pg_reload_conf()" >/dev/null
        log "promoted the standby; it runs without a synchronous standby until one is attached" ;;
    *) sed -n '2,31p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
