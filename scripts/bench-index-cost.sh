#!/usr/bin/env bash
# PostgreSQL alone (no Swift): the cost of the event log's layout against a plain table.
#
# pgbench runs 32 clients, each inserting 100-row statements into its own stream (the shape of
# `bench append`'s 32 x 100 case), into: a plain table with only a primary key (what `bench append`
# calls raw), the events table of migration v1 (four B-trees, a generated column), of migration v2
# (three B-trees, a BRIN index, a written and checked category, versions keyed by (stream, version))
# and of migration v3 (versions keyed by (stream_id, version), the name indexed on version 1 only).
# Each variant also prints its WAL records and bytes per row.
# Each variant is created fresh, checkpointed, and measured for SECONDS, ROUNDS times in turn.
#
#   scripts/bench-index-cost.sh            # uses $DATABASE_URL's server, or the private one
#   SECONDS_PER_RUN=10 ROUNDS=5 scripts/bench-index-cost.sh
set -euo pipefail
export PGOPTIONS="--client-min-messages=warning"
BASE="${DATABASE_URL:-postgres://tidemark@127.0.0.1:${TIDEMARK_PG_PORT:-54329}/tidemark}"
DB="tidemark_index_cost"
SERVER="${BASE%/*}"
URL="$SERVER/$DB"
T="${SECONDS_PER_RUN:-6}"
ROUNDS="${ROUNDS:-3}"
command -v pgbench >/dev/null || { echo "pgbench not found (Debian: postgresql-client)" >&2; exit 1; }
psql -X -q "$BASE" -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
trap 'psql -X -q "$BASE" -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true' EXIT
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"; psql -X -q "$BASE" -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true' EXIT
psql -X -q "$URL" -c "CREATE SEQUENCE vseq"

ROW="('00000000-0000-7000-8000-' || lpad(to_hex(n), 12, '0'))::uuid, 'bench-store-w' || :client_id, n, 'tenant-1', 'TodoCreated', 1,
 '{\"title\":\"Buy milk\",\"priority\":\"high\",\"tags\":[\"home\",\"errand\"],\"due\":\"2026-11-24T09:00:00Z\"}'::text::jsonb,
 '{\"actor\":\"user-1\",\"device\":\"device-1\",\"tenant\":\"tenant-1\"}'::text::jsonb"
echo "INSERT INTO ev (event_id, stream, stream_version, tenant_id, type, schema_version, data, metadata)
SELECT $ROW FROM (SELECT nextval('vseq') AS n FROM generate_series(1, 100)) s;" > "$WORK/plain.sql"
echo "INSERT INTO ev (event_id, stream, stream_version, tenant_id, type, schema_version, data, metadata, category)
SELECT $ROW, 'bench' FROM (SELECT nextval('vseq') AS n FROM generate_series(1, 100)) s;" > "$WORK/category.sql"
echo "INSERT INTO ev (event_id, stream, stream_version, tenant_id, type, schema_version, data, metadata, category, stream_id)
SELECT $ROW, 'bench', :client_id FROM (SELECT nextval('vseq') AS n FROM generate_series(1, 100)) s;" > "$WORK/numbered.sql"

COLUMNS="position bigint GENERATED ALWAYS AS IDENTITY, transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
 event_id uuid NOT NULL, stream text NOT NULL, stream_version bigint NOT NULL CHECK (stream_version > 0), tenant_id text,
 type text NOT NULL, schema_version integer NOT NULL CHECK (schema_version > 0), data jsonb NOT NULL, metadata jsonb NOT NULL,
 recorded_at timestamptz NOT NULL DEFAULT now()"
RAW="CREATE TABLE ev (position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, event_id uuid NOT NULL, stream text NOT NULL,
 stream_version bigint NOT NULL, tenant_id text, type text NOT NULL, schema_version integer NOT NULL, data jsonb NOT NULL,
 metadata jsonb NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now())"
V1="CREATE TABLE ev ($COLUMNS, category text NOT NULL GENERATED ALWAYS AS (split_part(stream, '-', 1)) STORED,
 PRIMARY KEY (position), UNIQUE (event_id), UNIQUE (stream, stream_version));
 CREATE INDEX ON ev (transaction_id, position)"
V2="CREATE TABLE ev ($COLUMNS, category text NOT NULL CHECK (category = split_part(stream, '-', 1)),
 PRIMARY KEY (transaction_id, position), UNIQUE (event_id), UNIQUE (stream, stream_version));
 CREATE INDEX ON ev USING brin (position)"
V3="CREATE TABLE ev ($COLUMNS, stream_id bigint NOT NULL, category text NOT NULL CHECK (category = split_part(stream, '-', 1)),
 PRIMARY KEY (transaction_id, position), UNIQUE (event_id));
 CREATE UNIQUE INDEX ON ev (stream) WHERE stream_version = 1;
 CREATE UNIQUE INDEX ON ev (stream_id, stream_version) WHERE stream_version > 1;
 CREATE INDEX ON ev USING brin (position)"
WAL="SELECT wal_records || ' ' || wal_bytes FROM pg_stat_wal"
run() { # name, DDL, script
    psql -X -q "$URL" -c "DROP TABLE IF EXISTS ev" -c "$2" -c "CHECKPOINT" >/dev/null
    local tps before after rows
    before=$(psql -X -qtA "$URL" -c "$WAL")
    tps=$(pgbench -n -c 32 -j 2 -T "$T" -f "$3" "$URL" 2>&1 | awk '/^tps/ {print $3}')
    after=$(psql -X -qtA "$URL" -c "$WAL")
    rows=$(psql -X -qtA "$URL" -c "SELECT count(*) FROM ev")
    echo "$before $after $rows" | awk -v n="$1" -v t="$tps" '{
        printf "%-4s %8.0f statements/s %9.0f rows/s   WAL per row: %.2f records, %.0f bytes\n",
               n, t, t * 100, ($3 - $1) / $5, ($4 - $2) / $5 }'
}
for round in $(seq 1 "$ROUNDS"); do
    echo "round $round (32 clients, 100 rows per statement, ${T} s each):"
    run raw "$RAW" "$WORK/plain.sql"
    run v1 "$V1" "$WORK/plain.sql"
    run v2 "$V2" "$WORK/category.sql"
    run v3 "$V3" "$WORK/numbered.sql"
done
