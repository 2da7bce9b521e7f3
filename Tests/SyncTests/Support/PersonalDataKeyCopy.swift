import EventStore
import Foundation
import Logging
import PostgresNIO
import TidemarkTestSupport

/// The key table is not part of `events export` (docs/operations.md#personal-data-and-erasure): a
/// move to another database copies it besides the export, as this does.
enum PersonalDataKeyCopy {
    /// Copies every row of `personal_data_keys` from `source` to `target`; returns how many.
    @discardableResult
    static func copy(from source: DatabaseURL, to target: DatabaseURL, logger: Logger) async throws -> Int {
        let keys = try await withStore(url: source, maximumConnections: 2) { store in
            var keys: [(UUID, UUID?, Data?)] = []
            let rows = try await store.client.query("SELECT user_id, tenant_id, data_key FROM personal_data_keys", logger: logger)
            for try await row in rows.decode((UUID, UUID?, Data?).self) { keys.append(row) }
            return keys
        }
        try await withStore(url: target, maximumConnections: 2) { store in
            for (user, tenant, key) in keys {
                try await store.client.query(
                    """
                    INSERT INTO personal_data_keys (user_id, tenant_id, data_key, erased_at)
                    VALUES (\(user), \(tenant), \(key), CASE WHEN \(key == nil) THEN now() END)
                    """,
                    logger: logger)
            }
        }
        return keys.count
    }
}
