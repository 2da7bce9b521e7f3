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
            name: "index streams by segment, order the log by its primary key",
            statements: [
                // One row per stream per writing statement: the versions and positions it wrote.
                // Its primary key makes two writers of the same next version collide, as the
                // per-event (stream, stream_version) key did, at one index entry per append.
                """
                CREATE TABLE stream_segments (
                    stream          text   NOT NULL,
                    first_version   bigint NOT NULL,
                    last_version    bigint NOT NULL,
                    transaction_id  xid8   NOT NULL,
                    first_position  bigint NOT NULL,
                    last_position   bigint NOT NULL,
                    CONSTRAINT stream_segments_pkey PRIMARY KEY (stream, first_version),
                    CONSTRAINT stream_segments_versions_positive CHECK (first_version > 0),
                    CONSTRAINT stream_segments_positions_ordered CHECK (first_position <= last_position),
                    CONSTRAINT stream_segments_contiguous CHECK (last_version >= first_version)
                )
                """,
                // Existing events: one stream's events of one transaction are contiguous versions
                // (another writer could not append between them).
                """
                INSERT INTO stream_segments (stream, first_version, last_version, transaction_id, first_position, last_position)
                SELECT stream, min(stream_version), max(stream_version), transaction_id, min(position), max(position)
                FROM events GROUP BY stream, transaction_id
                """,
                // Every statement that inserts events records its segments, whoever runs it. A
                // statement must give each stream consecutive versions that follow the stream's
                // head; a gap, a repeat, or a start inside another segment is refused (the
                // segment's last version becomes -1, which stream_segments_contiguous rejects).
                // A start on another segment's first version is left to the primary key: that is
                // how a writer whose head was stale (a concurrent append won) sees a unique
                // violation, after waiting for the other writer as PostgreSQL does. Segments are
                // inserted in stream order, so two statements take their index entries in the
                // same order and cannot deadlock each other.
                """
                CREATE FUNCTION events_record_segments() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO stream_segments (stream, first_version, last_version, transaction_id, first_position, last_position)
                    SELECT w.stream, w.first_version,
                           CASE WHEN w.events = w.last_version - w.first_version + 1
                                 AND (w.first_version = coalesce(h.last_version, 0) + 1
                                      OR (w.first_version <= h.last_version AND EXISTS (
                                          SELECT 1 FROM stream_segments AS taken
                                          WHERE taken.stream = w.stream AND taken.first_version = w.first_version)))
                                THEN w.last_version ELSE -1 END,
                           pg_current_xact_id(), w.first_position, w.last_position
                    FROM (SELECT stream, min(stream_version) AS first_version, max(stream_version) AS last_version,
                                 count(*) AS events, min(position) AS first_position, max(position) AS last_position
                          FROM written_events GROUP BY stream) AS w
                         LEFT JOIN LATERAL (
                             SELECT s.last_version FROM stream_segments AS s
                             WHERE s.stream = w.stream ORDER BY s.first_version DESC LIMIT 1
                         ) AS h ON true
                    ORDER BY w.stream;
                    RETURN NULL;
                END
                $$
                """,
                """
                CREATE TRIGGER events_segments AFTER INSERT ON events
                REFERENCING NEW TABLE AS written_events
                FOR EACH STATEMENT EXECUTE FUNCTION events_record_segments()
                """,
                "ALTER TABLE events DROP CONSTRAINT events_stream_version_key",
                "DROP INDEX events_transaction_position_idx",
                "ALTER TABLE events DROP CONSTRAINT events_pkey",
                // Gap-free readers scan in (transaction id, position) order; see docs/architecture.md.
                "ALTER TABLE events ADD CONSTRAINT events_pkey PRIMARY KEY (transaction_id, position)",
                // Look-ups by position alone (rare: the CLI, a rebuild's last event).
                "CREATE INDEX events_position_brin ON events USING brin (position)",
                // The category is written by the append statements (computing a stored generated
                // column copies every row once more); the check keeps it the stream's prefix.
                "ALTER TABLE events ALTER COLUMN category DROP EXPRESSION",
                "ALTER TABLE events ADD CONSTRAINT events_category_of_stream CHECK (category = split_part(stream, '-', 1))",
                "COMMENT ON TABLE stream_segments IS 'Tidemark: where each stream''s versions lie in the event log (maintained by a trigger on events)'",
            ]
        ),
    ]
}
