import Domain
import EventStore
import Foundation
import Logging
import PostgresNIO
import Privacy

extension CommandService {
    /// Erases the personal data of user `id` without rewriting the log (crypto-shredding).
    ///
    /// Appends `UserErased` (the domain refuses it to anyone but an administrator of the user's
    /// tenant or the system acting in it) and, in the same transaction, destroys the user's data
    /// key, so every personal field of the user reads as erased from then on, in the command
    /// service, in projections and after rebuilds, and replaces the user's username claim (plain
    /// text outside the log) with `erased:<user id>`. Erasing an erased user records nothing and
    /// succeeds.
    ///
    /// - Parameters:
    ///   - id: The user.
    ///   - envelope: Who erases (an administrator, or `Principal.system(tenantID:)` for the operator).
    /// - Returns: What was appended: `UserErased`, or nothing when the user was already erased.
    /// - Throws: ``CommandError`` `not_found` for an unknown user, `forbidden` for anyone else, or
    ///   whatever ``execute(_:id:command:envelope:claims:alsoInTransaction:invariant:)`` throws.
    @discardableResult
    public func eraseUser(_ id: UserID, envelope: CommandEnvelope) async throws(CommandError) -> CommandOutcome {
        let logger = store.logger
        let tenant = envelope.principal.tenantID?.rawValue
        let stream = "\(User.category)-\(id)"
        return try await execute(
            User.self, id: id, command: .erase(id), envelope: envelope,
            alsoInTransaction: { connection in
                let destroyed = try await PersonalDataKeys.destroy(owner: id.rawValue, tenantID: tenant, on: connection, logger: logger)
                try await connection.query(
                    """
                    UPDATE unique_claims SET value = \("erased:\(id)")
                    WHERE stream = \(stream) AND scope LIKE 'username:%' AND value <> \("erased:\(id)")
                    """,
                    logger: logger
                )
                logger.info("personal data erased", metadata: ["user.id": "\(id)", "privacy.key_destroyed": "\(destroyed)"])
            })
    }
}
