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
    ]
}
