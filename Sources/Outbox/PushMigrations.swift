import EventStore

/// Tables of push delivery: the outbox, paused channels (with the provider token each keeps) and
/// per-device delivery health.
///
/// The outbox is written by ``PushOutboxProjection`` but is not one of its read tables: a rebuild
/// swaps read tables, and deliveries (with what was sent) must survive every rebuild. Each row's id
/// is derived from (event, device), so a replay inserts nothing twice (`ON CONFLICT DO NOTHING`).
public enum PushMigrations {
    /// Every migration of component `push`.
    public static let all: [Migration] = [
        Migration(
            component: "push", version: 1, name: "push outbox, channels, device health",
            statements: [
                """
                CREATE TABLE push_deliveries (
                    delivery_id         uuid        PRIMARY KEY,
                    idempotency_key     text        NOT NULL UNIQUE,
                    tenant_id           uuid        NOT NULL,
                    user_id             uuid        NOT NULL,
                    device_id           uuid        NOT NULL,
                    channel             text        NOT NULL CHECK (channel IN ('apns', 'fcm', 'webpush', 'webhook')),
                    environment         text        NOT NULL,
                    token               text        NOT NULL,
                    topic               text,
                    kind                text        NOT NULL,
                    source_event_id     uuid        NOT NULL,
                    source_position     bigint      NOT NULL,
                    source_type         text        NOT NULL,
                    event_at            timestamptz NOT NULL,
                    title               text        NOT NULL,
                    body                text        NOT NULL,
                    data                jsonb       NOT NULL DEFAULT '{}',
                    collapse_key        text,
                    priority            text        NOT NULL CHECK (priority IN ('high', 'normal')),
                    expires_at          timestamptz NOT NULL,
                    status              text        NOT NULL CHECK (status IN
                                            ('queued', 'retrying', 'sent', 'failed', 'dead', 'skipped', 'superseded', 'expired')),
                    status_reason       text,
                    not_before          timestamptz NOT NULL,
                    attempts            integer     NOT NULL DEFAULT 0,
                    lease_owner         text,
                    lease_until         timestamptz,
                    last_error          text,
                    last_attempt_at     timestamptz,
                    sent_at             timestamptz,
                    provider_message_id text,
                    created_at          timestamptz NOT NULL DEFAULT now(),
                    updated_at          timestamptz NOT NULL DEFAULT now()
                )
                """,
                "CREATE INDEX push_deliveries_due_idx ON push_deliveries (not_before) WHERE status IN ('queued', 'retrying')",
                """
                CREATE INDEX push_deliveries_collapse_idx ON push_deliveries (device_id, collapse_key)
                    WHERE status IN ('queued', 'retrying') AND collapse_key IS NOT NULL
                """,
                "CREATE INDEX push_deliveries_device_idx ON push_deliveries (device_id, source_position)",
                "CREATE INDEX push_deliveries_status_idx ON push_deliveries (channel, status)",
                """
                CREATE TABLE push_channels (
                    channel      text        PRIMARY KEY,
                    paused_at    timestamptz,
                    paused_reason text,
                    resume_at    timestamptz,
                    pauses       integer     NOT NULL DEFAULT 0,
                    updated_at   timestamptz NOT NULL DEFAULT now()
                )
                """,
                """
                CREATE TABLE push_device_health (
                    device_id        uuid        PRIMARY KEY,
                    last_success_at  timestamptz,
                    last_failure_at  timestamptz,
                    last_error       text,
                    successes        bigint      NOT NULL DEFAULT 0,
                    failures         bigint      NOT NULL DEFAULT 0
                )
                """,
            ]),
        // The channel's provider token (the APNs JWT), shared by every instance so that a restart
        // or a second instance reuses it: APNs refuses token updates more often than every 20
        // minutes. `provider_token_key` names the signing key; a token of another key is not reused.
        Migration(
            component: "push", version: 2, name: "provider tokens kept with the channel state",
            statements: [
                """
                ALTER TABLE push_channels
                    ADD COLUMN provider_token            text,
                    ADD COLUMN provider_token_key        text,
                    ADD COLUMN provider_token_issued_at  bigint
                """
            ]),
    ]
}
