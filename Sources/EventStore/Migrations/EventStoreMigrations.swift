/// The event store's own schema, as versioned migrations of component `eventstore`.
public enum EventStoreMigrations {
    /// Every event store migration, in order.
    public static let all: [Migration] = [
        Migration(
            component: "eventstore",
            version: 1,
            name: "create the append-only events table",
            statements: [
                """
                CREATE TABLE events (
                    position        bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    transaction_id  xid8        NOT NULL DEFAULT pg_current_xact_id(),
                    event_id        uuid        NOT NULL,
                    stream          text        NOT NULL,
                    category        text        NOT NULL GENERATED ALWAYS AS (split_part(stream, '-', 1)) STORED,
                    stream_version  bigint      NOT NULL,
                    tenant_id       text,
                    type            text        NOT NULL,
                    schema_version  integer     NOT NULL,
                    data            jsonb       NOT NULL,
                    metadata        jsonb       NOT NULL,
                    recorded_at     timestamptz NOT NULL DEFAULT now(),
                    CONSTRAINT events_event_id_key UNIQUE (event_id),
                    CONSTRAINT events_stream_version_key UNIQUE (stream, stream_version),
                    CONSTRAINT events_stream_version_positive CHECK (stream_version > 0),
                    CONSTRAINT events_schema_version_positive CHECK (schema_version > 0)
                )
                """,
                // Gap-free readers scan in (transaction id, position) order; see docs/architecture.md.
                "CREATE INDEX events_transaction_position_idx ON events (transaction_id, position)",
                """
                CREATE FUNCTION events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'the events table is append-only' USING ERRCODE = 'restrict_violation';
                END
                $$
                """,
                """
                CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON events
                FOR EACH STATEMENT EXECUTE FUNCTION events_refuse_change()
                """,
                "COMMENT ON TABLE events IS 'Tidemark event log: append-only source of truth'",
            ]
        ),
        Migration(
            component: "eventstore",
            version: 2,
            name: "order the log by its primary key, write the category with the row",
            statements: [
                // Gap-free readers scan in (transaction id, position) order (docs/architecture.md):
                // as the primary key, that order replaces both the position key and the readers'
                // index, one B-tree entry per event fewer.
                "DROP INDEX events_transaction_position_idx",
                "ALTER TABLE events DROP CONSTRAINT events_pkey",
                "ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (transaction_id, position)",
                // Look-ups by position alone (rare: the CLI, a replayed push's answer, the head).
                "CREATE INDEX events_position_brin ON events USING brin (position)",
                // The category is written by the append statements (computing a stored generated
                // column copies every row once more); the check keeps it the stream's prefix.
                "ALTER TABLE events ALTER COLUMN category DROP EXPRESSION",
                "ALTER TABLE events ADD CONSTRAINT events_category_of_stream CHECK (category = split_part(stream, '-', 1))",
            ]
        ),
        Migration(
            component: "eventstore",
            version: 3,
            name: "number the streams, key versions by stream number",
            statements: [
                // A stream's number is given when its first event is written and carried by all of
                // its events. Each event has one entry in one of two unique indexes: a first event
                // under its stream's name (which refuses a second stream of that name), every later
                // one under (stream_id, stream_version). Two 8-byte keys keep that index packed when
                // many events go to one stream: PostgreSQL splits a page after the new entry for such
                // narrow keys, but 50/50 for (text, bigint) keys, which left the old index under half
                // full. A stream of one event (most todos) still costs one entry, as before.
                "CREATE SEQUENCE events_stream_id_seq AS bigint",
                "ALTER TABLE events ADD COLUMN stream_id bigint",
                "ALTER TABLE events DISABLE TRIGGER events_append_only",
                """
                UPDATE events SET stream_id = first.id
                FROM (SELECT stream, nextval('events_stream_id_seq') AS id FROM events WHERE stream_version = 1) AS first
                WHERE events.stream = first.stream
                """,
                "ALTER TABLE events ENABLE TRIGGER events_append_only",
                "ALTER TABLE events ALTER COLUMN stream_id SET NOT NULL",
                "CREATE UNIQUE INDEX events_stream_first_key ON events (stream) WHERE stream_version = 1",
                "ALTER TABLE events DROP CONSTRAINT events_stream_version_key",
                "CREATE UNIQUE INDEX events_stream_version_key ON events (stream_id, stream_version) WHERE stream_version > 1",
            ]
        ),
        Migration(
            component: "eventstore",
            version: 4,
            name: "private NOTIFY channel names",
            statements: [
                // LISTEN and NOTIFY need no privilege: any role that may connect can hear or signal a
                // channel whose name it knows. Each channel's real name carries 128 random bits drawn
                // here, in a table no other role is granted (see NotifyChannel).
                """
                CREATE TABLE notify_channels (
                    name    text PRIMARY KEY,
                    channel text NOT NULL UNIQUE CHECK (length(channel) < 64)
                )
                """,
                "REVOKE ALL ON notify_channels FROM PUBLIC",
                """
                INSERT INTO notify_channels (name, channel)
                VALUES ('tidemark_events', 'tidemark_events_' || replace(gen_random_uuid()::text, '-', ''))
                """,
            ]
        ),
        Migration(
            component: "eventstore",
            version: 5,
            name: "seal the log in a tamper-evident SHA-256 chain",
            statements: [
                // One row per sealed block of events, in gap-free order (docs/architecture.md, "The
                // tamper-evident chain"). `digests` holds each event's SHA-256 (32 bytes per event,
                // in order; see LogSeal.eventDigestSQL) and `positions` their positions, so `synccli
                // events verify` can name the first event whose content, order or presence differs;
                // `hash` is SHA-256(previous block's hash || digests), chaining every block to the
                // one before it. Written only by the one LogSealer holding the seal lease.
                """
                CREATE TABLE event_seals (
                    block               bigint      PRIMARY KEY CHECK (block > 0),
                    last_transaction_id xid8        NOT NULL,
                    last_position       bigint      NOT NULL,
                    event_count         integer     NOT NULL CHECK (event_count > 0),
                    positions           bigint[]    NOT NULL,
                    digests             bytea       NOT NULL,
                    hash                bytea       NOT NULL CHECK (length(hash) = 32),
                    sealed_at           timestamptz NOT NULL DEFAULT now(),
                    CONSTRAINT event_seals_shape CHECK (cardinality(positions) = event_count AND length(digests) = 32 * event_count)
                )
                """,
                """
                CREATE FUNCTION event_seals_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'the event_seals table is append-only' USING ERRCODE = 'restrict_violation';
                END
                $$
                """,
                """
                CREATE TRIGGER event_seals_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON event_seals
                FOR EACH STATEMENT EXECUTE FUNCTION event_seals_refuse_change()
                """,
                "COMMENT ON TABLE event_seals IS 'Tidemark log seals: a SHA-256 chain over the events, in gap-free order'",
            ]
        ),
    ]
}
