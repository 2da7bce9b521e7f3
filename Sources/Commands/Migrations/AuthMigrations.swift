import EventStore

/// Tables and columns of sign-in throttling, request limits and refresh-token families.
///
/// Component `auth` comes after `sync` in ``TidemarkMigrations/all`` (components apply in list
/// order), because it alters `sync`'s `auth_sessions`.
public enum AuthMigrations {
    /// Every migration of component `auth`.
    public static let all: [Migration] = [
        Migration(
            component: "auth", version: 1, name: "attempt counters, refresh-token families",
            statements: [
                // One counter per limited subject (for example a name and client address, or a tenant),
                // claimed atomically before the work it limits, so it holds across instances.
                """
                CREATE TABLE auth_attempts (
                    scope           text        NOT NULL,
                    subject         text        NOT NULL,
                    attempts        integer     NOT NULL,
                    window_ends_at  timestamptz NOT NULL,
                    PRIMARY KEY (scope, subject)
                )
                """,
                "CREATE INDEX auth_attempts_window_idx ON auth_attempts (window_ends_at)",
                // When the current refresh token was issued by a rotation (the grace of the token it
                // replaced runs from here, once); the token a grace retry issued beside it; the tokens
                // of the session that no longer work (presenting one revokes the session).
                "ALTER TABLE auth_sessions ADD COLUMN rotated_at timestamptz",
                "ALTER TABLE auth_sessions ADD COLUMN alternate_hash bytea",
                "ALTER TABLE auth_sessions ADD COLUMN retired_hashes bytea[] NOT NULL DEFAULT '{}'",
                "UPDATE auth_sessions SET rotated_at = last_used_at WHERE rotations > 0",
                "CREATE UNIQUE INDEX auth_sessions_alternate_idx ON auth_sessions (alternate_hash) WHERE alternate_hash IS NOT NULL",
                "CREATE INDEX auth_sessions_retired_idx ON auth_sessions USING gin (retired_hashes)",
            ])
    ]
}
