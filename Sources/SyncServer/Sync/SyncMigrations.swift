import EventStore

/// Tables of the sync server: sessions, sign-in failures and the per-device mutation log.
///
/// These are infrastructure, not domain facts: a session or a throttling counter is not part of
/// any aggregate's history. Every domain change a mutation makes is still an event in the log.
public enum SyncMigrations {
    /// Every migration of component `sync`.
    public static let all: [Migration] = [
        Migration(component: "sync", version: 1, name: "sessions, sign-in failures, device mutations", statements: [
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
    ]
}
