import EventStore

/// Tables the command service writes in the same transaction as events.
public enum CommandServiceMigrations {
    /// Every migration of component `commands`.
    public static let all: [Migration] = [
        Migration(
            component: "commands",
            version: 1,
            name: "idempotency log and uniqueness claims",
            statements: [
                """
                CREATE TABLE command_log (
                    idempotency_key text        PRIMARY KEY,
                    actor           text        NOT NULL,
                    stream          text        NOT NULL,
                    event_types     text[]      NOT NULL,
                    positions       bigint[]    NOT NULL,
                    stream_version  bigint      NOT NULL,
                    recorded_at     timestamptz NOT NULL DEFAULT now()
                )
                """,
                """
                CREATE TABLE unique_claims (
                    scope      text        NOT NULL,
                    value      text        NOT NULL,
                    stream     text        NOT NULL,
                    claimed_at timestamptz NOT NULL DEFAULT now(),
                    PRIMARY KEY (scope, value)
                )
                """,
            ]
        )
    ]
}
