import EventStore

/// The key table of personal data (component `privacy`).
public enum PrivacyMigrations {
    /// Every migration of component `privacy`.
    public static let all: [Migration] = [
        Migration(
            component: "privacy",
            version: 1,
            name: "per-user data keys of personal fields",
            statements: [
                """
                CREATE TABLE personal_data_keys (
                    user_id    uuid        PRIMARY KEY,
                    tenant_id  uuid,
                    data_key   bytea       CHECK (data_key IS NULL OR octet_length(data_key) = 32),
                    created_at timestamptz NOT NULL DEFAULT now(),
                    erased_at  timestamptz,
                    CHECK ((data_key IS NULL) = (erased_at IS NOT NULL))
                )
                """
            ]
        )
    ]
}
