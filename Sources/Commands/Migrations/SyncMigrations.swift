import EventStore

/// Tables of the sync server: sessions, sign-in failures and the per-device mutation log (per
/// tenant, user and device since version 2).
///
/// These are infrastructure, not domain facts: a session or a throttling counter is not part of
/// any aggregate's history. Every domain change a mutation makes is still an event in the log.
public enum SyncMigrations {
    /// Every migration of component `sync`.
    public static let all: [Migration] = [
        Migration(
            component: "sync", version: 1, name: "sessions, sign-in failures, device mutations",
            statements: [
                """
                CREATE TABLE auth_sessions (
                    session_id          uuid        PRIMARY KEY,
                    user_id             uuid        NOT NULL,
                    tenant_id           uuid        NOT NULL,
                    device_id           uuid        NOT NULL,
                    device_name         text,
                    refresh_hash        bytea       NOT NULL UNIQUE,
                    previous_hash       bytea,
                    rotations           integer     NOT NULL DEFAULT 0,
                    created_at          timestamptz NOT NULL DEFAULT now(),
                    last_used_at        timestamptz NOT NULL DEFAULT now(),
                    refresh_expires_at  timestamptz NOT NULL,
                    revoked_at          timestamptz,
                    revoked_by          text,
                    revoke_reason       text
                )
                """,
                "CREATE UNIQUE INDEX auth_sessions_live_device_idx ON auth_sessions (device_id) WHERE revoked_at IS NULL",
                "CREATE INDEX auth_sessions_user_idx ON auth_sessions (user_id, created_at)",
                "CREATE INDEX auth_sessions_previous_idx ON auth_sessions (previous_hash) WHERE previous_hash IS NOT NULL",
                """
                CREATE TABLE auth_login_failures (
                    subject    text        NOT NULL,
                    failed_at  timestamptz NOT NULL DEFAULT now()
                )
                """,
                "CREATE INDEX auth_login_failures_idx ON auth_login_failures (subject, failed_at)",
                """
                CREATE TABLE sync_mutations (
                    device_id    uuid        NOT NULL,
                    seq          bigint      NOT NULL CHECK (seq > 0),
                    mutation_id  text        NOT NULL,
                    user_id      uuid        NOT NULL,
                    name         text        NOT NULL,
                    status       text        NOT NULL CHECK (status IN ('applied', 'rejected')),
                    positions    bigint[]    NOT NULL DEFAULT '{}',
                    event_types  text[]      NOT NULL DEFAULT '{}',
                    transaction_id xid8,
                    last_position bigint,
                    code         text,
                    message      text,
                    recorded_at  timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (device_id, seq),
                    UNIQUE (device_id, mutation_id)
                )
                """,
            ]),
        // A device id is chosen by the client, so it names sync state only together with the
        // signed-in tenant and user: another user signing in with the same id gets a device of
        // their own (their own sequence, stored answers and live session), never this one.
        Migration(
            component: "sync", version: 2, name: "sync state and live sessions per tenant, user and device",
            statements: [
                "ALTER TABLE sync_mutations ADD COLUMN tenant_id uuid",
                // Rows written before: the tenant of the user's sessions, else of the user's stream,
                // else (no trace of the user) the nil UUID, which no caller has.
                """
                UPDATE sync_mutations m SET tenant_id = s.tenant_id
                FROM (SELECT DISTINCT ON (user_id) user_id, tenant_id FROM auth_sessions ORDER BY user_id, created_at DESC) s
                WHERE s.user_id = m.user_id
                """,
                """
                UPDATE sync_mutations m SET tenant_id = e.tenant_id::uuid
                FROM events e
                WHERE m.tenant_id IS NULL AND e.stream = 'user-' || m.user_id::text AND e.stream_version = 1
                  AND e.tenant_id ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'
                """,
                "UPDATE sync_mutations SET tenant_id = '00000000-0000-0000-0000-000000000000' WHERE tenant_id IS NULL",
                "ALTER TABLE sync_mutations ALTER COLUMN tenant_id SET NOT NULL",
                "ALTER TABLE sync_mutations DROP CONSTRAINT sync_mutations_pkey",
                "ALTER TABLE sync_mutations DROP CONSTRAINT sync_mutations_device_id_mutation_id_key",
                "ALTER TABLE sync_mutations ADD CONSTRAINT sync_mutations_pkey PRIMARY KEY (tenant_id, user_id, device_id, seq)",
                """
                ALTER TABLE sync_mutations ADD CONSTRAINT sync_mutations_mutation_key
                    UNIQUE (tenant_id, user_id, device_id, mutation_id)
                """,
                // One live session per device and user: a sign-in of another user with the same
                // device id no longer ends this user's session.
                "DROP INDEX auth_sessions_live_device_idx",
                "CREATE UNIQUE INDEX auth_sessions_live_device_idx ON auth_sessions (tenant_id, user_id, device_id) WHERE revoked_at IS NULL",
            ]),
    ]
}
