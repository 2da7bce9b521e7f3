import Crypto
import Domain
import EventStore
import Foundation
import Logging
import PostgresNIO

/// The per-user data keys in `personal_data_keys`, outside the log (never exported): creating a
/// key with a user's first personal value, reading keys to reveal values, destroying a key.
///
/// No key is cached: every reveal reads the keys it needs (one statement per batch that holds
/// envelopes), so an erasure applies to every process from its commit on.
public struct PersonalDataKeys: Sendable {
    /// The pool the key table is read and written through.
    public let client: PostgresClient
    /// Where statements log.
    public let logger: Logger

    /// Creates the repository.
    /// - Parameters:
    ///   - client: The pool the key table is read and written through.
    ///   - logger: Where statements log.
    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// The data key of `owner`, created (32 random bytes) and committed on first use, before any
    /// event sealed with it can commit.
    /// - Parameters:
    ///   - owner: The user.
    ///   - tenantID: The user's tenant, recorded with a new key.
    /// - Throws: ``PersonalDataError`` `erased` when the key was destroyed, `unavailable`.
    public func key(for owner: UUID, tenantID: UUID?) async throws(PersonalDataError) -> SymmetricKey {
        do {
            for _ in 0..<2 {
                let rows = try await client.query(
                    "SELECT data_key FROM personal_data_keys WHERE user_id = \(owner)", logger: logger)
                for try await stored in rows.decode(Data?.self) {
                    guard let stored else { throw PersonalDataError(.erased, "the personal data of user \(owner) was erased") }
                    return SymmetricKey(data: stored)
                }
                let fresh = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
                try await client.query(
                    """
                    INSERT INTO personal_data_keys (user_id, tenant_id, data_key)
                    VALUES (\(owner), \(tenantID), \(fresh))
                    ON CONFLICT (user_id) DO NOTHING
                    """,
                    logger: logger
                )
            }
        } catch let error as PersonalDataError {
            throw error
        } catch {
            logger.error("personal data key unavailable", metadata: ["user.id": "\(owner)", "error": "\(String(reflecting: error))"])
            throw PersonalDataError(.unavailable, "the personal data key table cannot be read right now; retry")
        }
        throw PersonalDataError(.unavailable, "the personal data key of user \(owner) could not be created; retry")
    }

    /// `events` with the envelope in each personal field (`rules`: event type → its rule)
    /// replaced by its plaintext (or the erased marker), reading keys through the pool.
    /// - Throws: ``PersonalDataError`` `undecryptable`, `malformed_payload` or `unavailable`.
    public func reveal(_ events: [RecordedEvent], rules: [String: PersonalFieldRule]) async throws(PersonalDataError) -> [RecordedEvent] {
        let client = client
        let logger = logger
        return try await Self.reveal(events, rules: rules) { owners in
            try await Self.keys(try await client.query(Self.lookup(owners), logger: logger))
        }
    }

    /// `events` with the envelope in each personal field (`rules`: event type → its rule)
    /// replaced by its plaintext (or the erased marker), reading keys on `connection` (a
    /// projection's transaction).
    /// - Throws: ``PersonalDataError`` `undecryptable`, `malformed_payload` or `unavailable`.
    public static func reveal(
        _ events: [RecordedEvent], rules: [String: PersonalFieldRule], on connection: PostgresConnection, logger: Logger
    ) async throws(PersonalDataError) -> [RecordedEvent] {
        try await reveal(events, rules: rules) { owners in
            try await keys(try await connection.query(lookup(owners), logger: logger))
        }
    }

    /// Destroys the data key of `owner` (recording the erasure even when no key was ever made), in
    /// the caller's transaction.
    /// - Returns: `true` when a key was destroyed now, `false` when none was left to destroy.
    public static func destroy(owner: UUID, tenantID: UUID?, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await connection.query(
            """
            WITH before AS (SELECT data_key IS NOT NULL AS live FROM personal_data_keys WHERE user_id = \(owner) FOR UPDATE)
            INSERT INTO personal_data_keys (user_id, tenant_id, data_key, erased_at)
            VALUES (\(owner), \(tenantID), NULL, now())
            ON CONFLICT (user_id) DO UPDATE
                SET data_key = NULL, erased_at = COALESCE(personal_data_keys.erased_at, now())
            RETURNING COALESCE((SELECT live FROM before), false)
            """,
            logger: logger
        )
        var destroyed = false
        for try await live in rows.decode(Bool.self) { destroyed = live }
        return destroyed
    }

    private static func reveal(
        _ events: [RecordedEvent], rules: [String: PersonalFieldRule], fetch: ([UUID]) async throws -> [UUID: SymmetricKey]
    ) async throws(PersonalDataError) -> [RecordedEvent] {
        var owners: Set<UUID> = []
        var sealed: [(index: Int, rule: PersonalFieldRule)] = []
        for (index, event) in events.enumerated() {
            guard let rule = rules[event.type], PersonalPayload.mayHoldEnvelopes(event.data) else { continue }
            sealed.append((index, rule))
            owners.formUnion(try PersonalPayload.owners(in: event.data, rule: rule))
        }
        guard !sealed.isEmpty else { return events }
        let keys: [UUID: SymmetricKey]
        do {
            keys = owners.isEmpty ? [:] : try await fetch(owners.sorted { $0.uuidString < $1.uuidString })
        } catch {
            throw PersonalDataError(.unavailable, "the personal data key table cannot be read right now; retry")
        }
        var result = events
        for (index, rule) in sealed {
            result[index].data = try PersonalPayload.reveal(result[index].data, rule: rule, keys: keys, stream: result[index].stream.rawValue)
        }
        return result
    }

    private static func lookup(_ owners: [UUID]) -> PostgresQuery {
        "SELECT user_id, data_key FROM personal_data_keys WHERE user_id = ANY(\(owners)) AND data_key IS NOT NULL"
    }

    private static func keys(_ rows: PostgresRowSequence) async throws -> [UUID: SymmetricKey] {
        var keys: [UUID: SymmetricKey] = [:]
        for try await (owner, key) in rows.decode((UUID, Data).self) {
            keys[owner] = SymmetricKey(data: key)
        }
        return keys
    }
}
