import EventStore

/// The projections' own bookkeeping: the `read` schema, checkpoints, rebuilds and the operator audit.
///
/// The bookkeeping tables live in `public`, next to the log, so the analyst role (which may read
/// only the `read` schema) never sees them.
public enum ProjectionMigrations {
    /// Every migration of the `projections` component.
    public static let all: [Migration] = [
        Migration(
            component: "projections", version: 1, name: "read schema, checkpoints, rebuilds, audit",
            statements: [
                "CREATE SCHEMA IF NOT EXISTS read",
                """
                CREATE TABLE projection_checkpoints (
                    name                   text        PRIMARY KEY,
                    version                int         NOT NULL,
                    tables                 text[]      NOT NULL,
                    transaction_id         xid8        NOT NULL DEFAULT '0',
                    position               bigint      NOT NULL DEFAULT 0,
                    state                  text        NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'failed')),
                    events_applied         bigint      NOT NULL DEFAULT 0,
                    last_event_at          timestamptz,
                    last_applied_at        timestamptz,
                    failed_transaction_id  xid8,
                    failed_position        bigint,
                    failed_event_id        uuid,
                    failed_event_type      text,
                    failed_error           text,
                    failed_at              timestamptz,
                    updated_at             timestamptz NOT NULL DEFAULT now()
                )
                """,
                """
                CREATE TABLE projection_rebuilds (
                    name            text        PRIMARY KEY,
                    version         int         NOT NULL,
                    schema_name     text        NOT NULL,
                    transaction_id  xid8        NOT NULL DEFAULT '0',
                    position        bigint      NOT NULL DEFAULT 0,
                    events_applied  bigint      NOT NULL DEFAULT 0,
                    started_at      timestamptz NOT NULL DEFAULT now(),
                    updated_at      timestamptz NOT NULL DEFAULT now()
                )
                """,
                """
                CREATE TABLE projection_audit (
                    id        bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    at        timestamptz NOT NULL DEFAULT now(),
                    name      text        NOT NULL,
                    action    text        NOT NULL,
                    detail    text        NOT NULL
                )
                """,
                """
                CREATE TABLE analyst_roles (
                    role        text        PRIMARY KEY,
                    created_at  timestamptz NOT NULL DEFAULT now()
                )
                """,
            ]),
        ChangeFeed.migration,
        ChangeFeed.privateChannel,
        ChangeFeed.userIndex,
    ]
}
