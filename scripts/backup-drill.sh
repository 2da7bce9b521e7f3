#!/usr/bin/env bash
# The backup and restore drill (`make backup-drill`; docs/operations.md#backups-and-restore).
#
# Runs end to end on clusters of its own, with the private PostgreSQL's binaries (it never touches
# the shared server on 54329 beyond `scripts/pg.sh start`, which installs the binaries):
#
#   1. initdb a source cluster with WAL archiving, migrate, seed through the command service
#   2. base backup (pg_basebackup) of the source
#   3. more writes after the backup
#   4. rebuild every projection, seal the log, record the event count, dump every `read` table,
#      then create the restore point 'tidemark-drill'
#   5. more writes after the restore point (must not come back), switch and archive the WAL
#   6. point-in-time restore of the base backup into a second data folder, to the restore point
#   7. on the restored database: event count, `synccli events verify`, the read tables as restored,
#      rebuild every projection, the read tables again, the events of step 5 are absent
#   8. a summary
#
# Exits non-zero with a message when a check fails. Both clusters are stopped on exit, also on
# failure; their files stay in .local/drill until the next run wipes them (logs: source.log,
# restored.log). Takes 20-60 s.
#
# Settings (environment):
#   SYNCCLI                 the binary (default <repo>/.build/debug/synccli; this script never builds)
#   TIDEMARK_DRILL_DIR      work folder, wiped at the start of each run (default <repo>/.local/drill)
#   TIDEMARK_DRILL_PORT     port of the source cluster (default: 54338, or the next free pair
#                           above it); the restored one uses +1
#   TIDEMARK_DRILL_TENANTS  tenants per seed run (default 3)
#   TIDEMARK_PG_USER        OS user that runs PostgreSQL when this script runs as root (default tidemark)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SYNCCLI="${SYNCCLI:-$ROOT/.build/debug/synccli}"
BASE="${TIDEMARK_DRILL_DIR:-$ROOT/.local/drill}"
SRC_PORT="${TIDEMARK_DRILL_PORT:-54338}"
DST_PORT=$((SRC_PORT + 1))
TENANTS="${TIDEMARK_DRILL_TENANTS:-3}"
RUN_USER="${TIDEMARK_PG_USER:-tidemark}"
SUPERUSER="tidemark"
DB_NAME="tidemark"
RESTORE_POINT="tidemark-drill"

log() { printf 'drill: %s\n' "$*" >&2; }
die() { printf 'drill: FAILED: %s\n' "$*" >&2; exit 1; }

T0="$(date +%s%N)"
now_ns() { date +%s%N; }
secs_since() { awk -v a="$1" -v b="$(now_ns)" 'BEGIN { printf "%.1f", (b - a) / 1e9 }'; }
STEP_T=""
step() { STEP_T="$(now_ns)"; printf '\n[%6ss] step %s\n' "$(secs_since "$T0")" "$*"; }
ok() { printf '           ok: %s\n' "$*"; }
note() { printf '           %s\n' "$*"; }

[[ -x "$SYNCCLI" ]] || die "$SYNCCLI is missing; build it first (make build) or set SYNCCLI"

# --- the PostgreSQL binaries and the server user (the same logic as scripts/pg.sh) -------------

step "0: scripts/bootstrap.sh, scripts/pg.sh start (the PostgreSQL binaries), wipe the work folder"
"$ROOT/scripts/bootstrap.sh"
# Installs the server binaries when they are missing; a running private server is left as it is.
pg_out="$("$ROOT/scripts/pg.sh" start 2>&1)" || { printf '%s\n' "$pg_out" >&2; die "scripts/pg.sh start failed"; }

find_bindir() {
    local d
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [[ -x "$d/initdb" && -x "$d/pg_ctl" && -x "$d/pg_basebackup" ]]; then echo "$d"; return 0; fi
    done
    if command -v pg_config >/dev/null 2>&1 && [[ -x "$(pg_config --bindir)/pg_basebackup" ]]; then
        pg_config --bindir; return 0
    fi
    return 1
}
BINDIR="$(find_bindir)" || die "no PostgreSQL server binaries (initdb, pg_ctl, pg_basebackup) found"

# PostgreSQL refuses to run as root: run its binaries as the unprivileged user then (scripts/pg.sh creates it).
as_pg() { if [[ "$(id -u)" == 0 ]]; then runuser -u "$RUN_USER" -- "$@"; else "$@"; fi; }
pg() { as_pg "$BINDIR/$1" "${@:2}"; }

if [[ "$(id -u)" == 0 ]] && ! id "$RUN_USER" >/dev/null 2>&1; then
    log "creating system user $RUN_USER to run PostgreSQL"
    useradd --system --no-create-home --shell /usr/sbin/nologin "$RUN_USER"
fi

# --- the work folder ----------------------------------------------------------------------------

mkdir -p "$(dirname "$BASE")"
[[ -e "$BASE" ]] || mkdir -p "$BASE"
if [[ "$(id -u)" == 0 ]] && ! runuser -u "$RUN_USER" -- test -x "$BASE/.." 2>/dev/null; then
    # The server user cannot reach the checkout (a private home such as /root): keep the files
    # under /var/tmp and link them from the git-ignored .local/drill, as scripts/pg.sh does.
    alt="/var/tmp/tidemark-drill-$(printf '%s' "$ROOT" | md5sum | cut -c1-12)"
    mkdir -p "$alt"
    if [[ -d "$BASE" && ! -L "$BASE" ]]; then rm -rf "$BASE"; fi
    [[ -L "$BASE" ]] || ln -s "$alt" "$BASE"
fi
D="$(readlink -f "$BASE")"
[[ -n "$D" && "$D" != / && "$D" != "$ROOT" && "$D" != "$(readlink -f ~)" && -d "$D" ]] || die "refusing to wipe '$D' (TIDEMARK_DRILL_DIR)"

SRC="$D/source"; BACKUP="$D/base"; DST="$D/restored"; ARCHIVE="$D/wal-archive"; SOCK="$D/run"
SRC_URL="postgres://$SUPERUSER@127.0.0.1:$SRC_PORT/$DB_NAME"
DST_URL="postgres://$SUPERUSER@127.0.0.1:$DST_PORT/$DB_NAME"

running() { [[ -f "$1/PG_VERSION" ]] && pg pg_ctl -D "$1" status >/dev/null 2>&1; }
stop_cluster() { if running "$1"; then pg pg_ctl -D "$1" -m fast -w -t 60 stop >/dev/null 2>&1 || pg pg_ctl -D "$1" -m immediate -w stop >/dev/null 2>&1 || true; fi; }
cleanup() {
    local rc=$?
    stop_cluster "$DST"
    stop_cluster "$SRC"
    if [[ $rc -ne 0 ]]; then log "exit $rc; logs: $D/source.log, $D/restored.log, work folder $BASE"; fi
}

# A previous run that was killed may have left its clusters running: stop them, then wipe.
stop_cluster "$DST"; stop_cluster "$SRC"
# Whether 127.0.0.1:$1 can be listened on: nothing answers there, and no socket holds the port
# (an outgoing connection of another program may hold any port of the ephemeral range, 54338
# included, for a while).
port_free() {
    if "$BINDIR/pg_isready" -q -h 127.0.0.1 -p "$1" >/dev/null 2>&1; then return 1; fi
    command -v python3 >/dev/null 2>&1 || return 0  # without Python, only the answer is checked
    python3 -c 'import socket, sys; s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null
}
if [[ -n "${TIDEMARK_DRILL_PORT:-}" ]]; then
    for p in "$SRC_PORT" "$DST_PORT"; do
        port_free "$p" || die "127.0.0.1:$p is in use; set TIDEMARK_DRILL_PORT to a free pair of ports"
    done
else
    # The default pair, or the next free pair above it.
    tries=0
    until port_free "$SRC_PORT" && port_free "$DST_PORT"; do
        tries=$((tries + 1))
        [[ $tries -lt 50 ]] || die "no free pair of ports in 54338-54437; set TIDEMARK_DRILL_PORT to a free pair"
        SRC_PORT=$((SRC_PORT + 2)); DST_PORT=$((SRC_PORT + 1))
    done
    SRC_URL="postgres://$SUPERUSER@127.0.0.1:$SRC_PORT/$DB_NAME"
    DST_URL="postgres://$SUPERUSER@127.0.0.1:$DST_PORT/$DB_NAME"
fi
find "$D" -mindepth 1 -delete
[[ "$(id -u)" != 0 ]] || chown "$RUN_USER" "$D"
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
as_pg mkdir -p "$ARCHIVE" "$SOCK"

psql_at() { "$BINDIR/psql" -X -q -v ON_ERROR_STOP=1 -tA "$@"; }
q_src() { psql_at "$SRC_URL" -c "$1"; }
q_dst() { psql_at "$DST_URL" -c "$1"; }
cli() { "$SYNCCLI" "$@"; }

start_cluster() {  # data port logname
    pg pg_ctl -D "$1" -l "$D/$3.log" -w -t 120 -o "-p $2 -k $SOCK" start >/dev/null \
        || die "the $3 cluster did not start; see $D/$3.log"
}

# Every projection, by name, as `projections list` prints them.
projection_names() { cli projections list --database-url "$1" | awk 'NF { print $1 }'; }
rebuild_all() {  # url
    local n count=0
    for n in $(projection_names "$1"); do
        cli projections rebuild "$n" --database-url "$1" >/dev/null 2>"$D/rebuild-$n.err" \
            || { cat "$D/rebuild-$n.err" >&2; die "projections rebuild $n failed on $1"; }
        count=$((count + 1))
    done
    [[ $count -gt 0 ]] || die "projections list named no projection"
    echo "$count"
}

# Dump every table of schema `read`, one file each, rows in a stable order (the whole row's text).
dump_read() {  # url folder
    local t
    mkdir -p "$2"
    for t in $(psql_at "$1" -c "SELECT table_name FROM information_schema.tables WHERE table_schema = 'read' AND table_type = 'BASE TABLE' ORDER BY 1"); do
        psql_at "$1" -c "COPY (SELECT * FROM read.\"$t\" r ORDER BY r::text COLLATE \"C\") TO STDOUT" > "$2/$t.tsv"
    done
    [[ -n "$(ls "$2")" ]] || die "no table in schema read on $1"
}

SEALS_SQL="SELECT count(*) || ' block(s), ' || coalesce(sum(event_count), 0) || ' event(s)' FROM event_seals"
has_verb() { cli help events 2>/dev/null | grep -qE "^[[:space:]]+$1([[:space:]]|\$)"; }

# Demo data through the command service: tenants, users, roles, todos, orders, notifications,
# announcements, devices. Each run needs a seed of its own (the same seed adds nothing).
seed() {  # url seed
    cli seed --database-url "$1" --seed "$2" --tenants "$TENANTS" --users-per-tenant 4 \
        --todos-per-user 5 --orders-per-user 3 --password-cost 4 --json >/dev/null 2>"$D/seed-$2.log" \
        || { cat "$D/seed-$2.log" >&2; die "synccli seed --seed $2 failed"; }
}

# --- 1. the source cluster ------------------------------------------------------------------------

step "1: initdb the source cluster (127.0.0.1:$SRC_PORT, WAL archiving into $ARCHIVE), migrate, seed"
pg initdb -D "$SRC" -U "$SUPERUSER" --auth=trust --encoding=UTF8 --locale=C >/dev/null
cat <<CONF | as_pg tee -a "$SRC/postgresql.conf" >/dev/null
# --- Tidemark backup drill: source ---
listen_addresses = '127.0.0.1'
max_connections = 100
shared_buffers = 128MB
wal_level = replica
archive_mode = on
archive_command = 'test ! -f "$ARCHIVE/%f" && cp "%p" "$ARCHIVE/%f"'
archive_timeout = 0
max_wal_senders = 4
CONF
echo "host replication $SUPERUSER 127.0.0.1/32 trust" | as_pg tee -a "$SRC/pg_hba.conf" >/dev/null
start_cluster "$SRC" "$SRC_PORT" source
psql_at "postgres://$SUPERUSER@127.0.0.1:$SRC_PORT/postgres" -c "CREATE DATABASE $DB_NAME" >/dev/null
cli migrate --database-url "$SRC_URL" >/dev/null || die "synccli migrate failed"
seed "$SRC_URL" 11
EVENTS_1="$(q_src "SELECT count(*) FROM events")"
TYPES_1="$(q_src "SELECT count(DISTINCT type) FROM events")"
[[ "$EVENTS_1" -gt 0 ]] || die "the seed wrote no event"
ok "$EVENTS_1 events of $TYPES_1 types ($(secs_since "$STEP_T") s)"

# --- 2. base backup -------------------------------------------------------------------------------

step "2: base backup (pg_basebackup -X stream --checkpoint=fast) into $BACKUP"
# -X stream: the backup carries the WAL written while it ran, so it is consistent on its own even
# if the archive lost those segments; restore_command supplies everything after it.
B0="$(now_ns)"
as_pg mkdir -m 700 "$BACKUP"
pg pg_basebackup -h 127.0.0.1 -p "$SRC_PORT" -U "$SUPERUSER" -D "$BACKUP" -Fp -X stream \
    --checkpoint=fast --label "tidemark-drill" >/dev/null 2>"$D/basebackup.err" \
    || { cat "$D/basebackup.err" >&2; die "pg_basebackup failed"; }
BACKUP_SECS="$(secs_since "$B0")"
BACKUP_SIZE="$(du -sh "$BACKUP" | cut -f1)"
[[ -f "$BACKUP/backup_label" ]] || die "the base backup has no backup_label"
ok "$BACKUP_SIZE in $BACKUP_SECS s ($(grep -m1 '^START WAL LOCATION' "$BACKUP/backup_label"))"

# --- 3. writes after the backup -----------------------------------------------------------------

step "3: writes after the base backup (seed 12)"
seed "$SRC_URL" 12
EVENTS_3="$(q_src "SELECT count(*) FROM events")"
[[ "$EVENTS_3" -gt "$EVENTS_1" ]] || die "the second seed wrote no event"
ok "$((EVENTS_3 - EVENTS_1)) more events, $EVENTS_3 in all ($(secs_since "$STEP_T") s)"

# --- 4. read tables up to date, seal, record, restore point --------------------------------------

step "4: rebuild every projection, seal the log, dump the read tables, create the restore point"
PROJECTIONS="$(rebuild_all "$SRC_URL")"
note "rebuilt $PROJECTIONS projections"
if has_verb seal; then
    cli events seal --database-url "$SRC_URL" >"$D/seal.out" 2>&1 || { cat "$D/seal.out" >&2; die "synccli events seal failed"; }
    # The head hash is what an operator keeps outside the database: `events verify` must reproduce it.
    SEAL_HASH="$(awk '/^head hash/ { print $3 }' "$D/seal.out")"
    [[ -n "$SEAL_HASH" ]] || { cat "$D/seal.out" >&2; die "synccli events seal printed no head hash"; }
    SEALED_RP="$(q_src "$SEALS_SQL")"
    SEAL="$SEALED_RP of $(q_src "SELECT count(*) FROM events") events, head hash ${SEAL_HASH:0:16}…"
    note "events seal: $SEALED_RP, head hash $SEAL_HASH"
else
    die "this synccli has no 'events seal' verb: rebuild it (make build)"
fi
EVENTS_RP="$(q_src "SELECT count(*) FROM events")"
LAST_RP="$(q_src "SELECT event_id FROM events ORDER BY position DESC LIMIT 1")"
dump_read "$SRC_URL" "$D/source-read"
TABLES="$(ls "$D/source-read" | wc -l)"
ROWS="$(cat "$D/source-read"/*.tsv | wc -l)"
RP_LSN="$(q_src "SELECT pg_create_restore_point('$RESTORE_POINT')")"
RP_WAL="$(q_src "SELECT pg_walfile_name('$RP_LSN')")"
RP_TIME="$(q_src "SELECT now()")"
ok "$EVENTS_RP events; $TABLES read tables, $ROWS rows dumped to $D/source-read"
ok "restore point '$RESTORE_POINT' at $RP_LSN (segment $RP_WAL), $RP_TIME ($(secs_since "$STEP_T") s)"

# --- 5. writes after the restore point ----------------------------------------------------------

step "5: writes after the restore point (seed 13), which the restore must not bring back"
seed "$SRC_URL" 13
EVENTS_5="$(q_src "SELECT count(*) FROM events")"
[[ "$EVENTS_5" -gt "$EVENTS_RP" ]] || die "the third seed wrote no event"
AFTER_ID="$(q_src "SELECT event_id FROM events ORDER BY position DESC LIMIT 1")"
AFTER_TENANT="$(q_src "SELECT data->>'code' FROM events WHERE type = 'TenantCreated' ORDER BY position DESC LIMIT 1")"
SWITCH_WAL="$(q_src "SELECT pg_walfile_name(pg_switch_wal())")"
# Wait until the archiver reports the switched segment (and with it the restore point's) as archived.
archived_up_to() { [[ "$(q_src "SELECT coalesce(last_archived_wal, '') >= '$1' FROM pg_stat_archiver")" == t ]]; }
for i in $(seq 1 240); do
    if archived_up_to "$SWITCH_WAL" && [[ -f "$ARCHIVE/$SWITCH_WAL" && -f "$ARCHIVE/$RP_WAL" ]]; then break; fi
    sleep 0.25
done
[[ -f "$ARCHIVE/$RP_WAL" ]] || die "segment $RP_WAL (the restore point) was not archived within 60 s: $(q_src "SELECT * FROM pg_stat_archiver")"
[[ -f "$ARCHIVE/$SWITCH_WAL" ]] || die "segment $SWITCH_WAL was not archived within 60 s: $(q_src "SELECT * FROM pg_stat_archiver")"
ARCHIVER="$(q_src "SELECT archived_count || ' files archived, ' || failed_count || ' failed, last ' || coalesce(last_archived_wal, '-') FROM pg_stat_archiver")"
ok "$((EVENTS_5 - EVENTS_RP)) events after the restore point (last $AFTER_ID${AFTER_TENANT:+, tenant $AFTER_TENANT})"
ok "archiver: $ARCHIVER ($(secs_since "$STEP_T") s)"
SEGMENTS="$(find "$ARCHIVE" -maxdepth 1 -type f -regextype posix-extended -regex '.*/[0-9A-F]{24}' | wc -l)"

# --- 6. point-in-time restore --------------------------------------------------------------------

step "6: restore the base backup into $DST (127.0.0.1:$DST_PORT) up to '$RESTORE_POINT'"
R0="$(now_ns)"
as_pg cp -a "$BACKUP" "$DST"
cat <<CONF | as_pg tee -a "$DST/postgresql.auto.conf" >/dev/null
# --- Tidemark backup drill: point-in-time restore ---
restore_command = 'cp "$ARCHIVE/%f" "%p"'
recovery_target_name = '$RESTORE_POINT'
recovery_target_action = 'promote'
# The drill's restored copy does not archive into the source's archive.
archive_mode = off
CONF
as_pg touch "$DST/recovery.signal"
start_cluster "$DST" "$DST_PORT" restored
for i in $(seq 1 480); do
    [[ "$(q_dst "SELECT pg_is_in_recovery()" 2>/dev/null || true)" == f ]] && break
    sleep 0.25
done
[[ "$(q_dst "SELECT pg_is_in_recovery()")" == f ]] || die "the restored cluster is still in recovery after 120 s; see $D/restored.log"
RESTORE_SECS="$(secs_since "$R0")"
grep -q "recovery stopping at restore point \"$RESTORE_POINT\"" "$D/restored.log" \
    || die "recovery did not stop at the restore point; see $D/restored.log"
ok "promoted in $RESTORE_SECS s: $(grep -m1 'recovery stopping at restore point' "$D/restored.log" | sed 's/.*LOG: *//')"

# --- 7. checks on the restored database -----------------------------------------------------------

step "7: check the restored database"
EVENTS_DST="$(q_dst "SELECT count(*) FROM events")"
[[ "$EVENTS_DST" == "$EVENTS_RP" ]] || die "the restored log has $EVENTS_DST events; the source had $EVENTS_RP at the restore point"
ok "event count $EVENTS_DST, as at the restore point"
[[ "$(q_dst "SELECT count(*) FROM events WHERE event_id = '$LAST_RP'")" == 1 ]] || die "the last event before the restore point ($LAST_RP) is missing"
[[ "$(q_dst "SELECT count(*) FROM events WHERE event_id = '$AFTER_ID'")" == 0 ]] || die "event $AFTER_ID, written after the restore point, was restored"
if [[ -n "$AFTER_TENANT" ]]; then
    [[ "$(q_dst "SELECT count(*) FROM read.tenants WHERE code = '$AFTER_TENANT'")" == 0 ]] || die "tenant $AFTER_TENANT, created after the restore point, was restored"
fi
ok "the last event before the restore point is there; $AFTER_ID (written after it) is not${AFTER_TENANT:+, nor tenant $AFTER_TENANT}"
if [[ -n "${SEALED_RP:-}" ]]; then
    [[ "$(q_dst "$SEALS_SQL")" == "$SEALED_RP" ]] \
        || die "the restored event_seals differ from the source's at the restore point ($SEALED_RP)"
    ok "seals as at the restore point: $SEALED_RP"
fi
if has_verb verify; then
    set +e; cli events verify --database-url "$DST_URL" >"$D/verify.out" 2>&1; vrc=$?; set -e
    case $vrc in
        0) VERIFY_HASH="$(awk '/^head hash/ { print $3 }' "$D/verify.out")"
           if [[ -n "${SEAL_HASH:-}" && "$VERIFY_HASH" != "$SEAL_HASH" ]]; then
               cat "$D/verify.out" >&2
               die "events verify reproduced head hash '$VERIFY_HASH'; the source's seal printed $SEAL_HASH"
           fi
           verified="$(grep -m1 '^verified' "$D/verify.out" | sed 's/^verified *//')"
           same=""; [[ -z "${SEAL_HASH:-}" ]] || same=" (the head hash the seal printed on the source)"
           VERIFY="passed (exit 0): $verified"; [[ -z "$same" ]] || VERIFY+=", head hash as sealed on the source"
           ok "events verify: exit 0, $verified, head hash $VERIFY_HASH$same" ;;
        3) cat "$D/verify.out" >&2; die "synccli events verify: the restored log differs from its seals (exit 3)" ;;
        *) cat "$D/verify.out" >&2; die "synccli events verify failed (exit $vrc)" ;;
    esac
else
    die "this synccli has no 'events verify' verb: rebuild it (make build)"
fi
dump_read "$DST_URL" "$D/restored-read-as-is"
diff -r "$D/source-read" "$D/restored-read-as-is" >"$D/diff-as-is.txt" \
    || { head -n 40 "$D/diff-as-is.txt" >&2; die "the read tables as restored differ from the source's at the restore point ($D/diff-as-is.txt)"; }
ok "read tables as restored: identical to the source's ($TABLES tables, $ROWS rows)"
rebuild_all "$DST_URL" >/dev/null
dump_read "$DST_URL" "$D/restored-read"
diff -r "$D/source-read" "$D/restored-read" >"$D/diff.txt" \
    || { head -n 40 "$D/diff.txt" >&2; die "the rebuilt read tables differ from the source's at the restore point ($D/diff.txt)"; }
ok "read tables rebuilt from the restored log ($PROJECTIONS projections): identical to the source's ($(secs_since "$STEP_T") s)"

# --- 8. summary -----------------------------------------------------------------------------------

TOTAL="$(secs_since "$T0")"
step "8: summary"
cat <<SUMMARY

backup drill: PASSED in $TOTAL s
  base backup        $BACKUP_SIZE in $BACKUP_SECS s (pg_basebackup -Fp -X stream)
  WAL archived       $SEGMENTS segments (pg_stat_archiver: $ARCHIVER)
  restore point      '$RESTORE_POINT' at $RP_LSN, $RP_TIME
  restore            $RESTORE_SECS s (copy, replay from the archive, promote)
  events restored    $EVENTS_DST of $EVENTS_5 (the $((EVENTS_5 - EVENTS_RP)) written after the restore point are absent)
  seal               $SEAL
  verify             $VERIFY
  read tables        $TABLES tables, $ROWS rows compared: identical as restored and after rebuilding $PROJECTIONS projections
SUMMARY
