import Domain
import EventStore
import PostgresNIO

extension CommandService {
    /// Runs a command of the ``User`` aggregate, refusing with `last_admin` one that would leave the
    /// user's tenant without an active administrator.
    ///
    /// Commands that cannot take an administrator away run as usual. For the others (revoking
    /// `admin`, locking, deactivating, deleting), when the user was an active administrator and no
    /// longer is, the tenant's other active administrators are counted inside the transaction that
    /// stores the change, after taking a transaction-scoped advisory lock on the tenant's
    /// administrators. Two administrators removing each other at the same moment therefore run
    /// one after the other: the second one counts after the first committed, and is refused.
    ///
    /// - Throws: ``CommandError`` `last_admin`, or whatever ``execute(_:id:command:envelope:claims:alsoInTransaction:invariant:)`` throws.
    @discardableResult
    public func executeUserCommand(_ id: UserID, command: UserCommand, envelope: CommandEnvelope) async throws(CommandError) -> CommandOutcome {
        guard User.mayRemoveAdmin(command) else {
            return try await execute(User.self, id: id, command: command, envelope: envelope)
        }
        return try await execute(
            User.self, id: id, command: command, envelope: envelope,
            invariant: { before, after, connection in
                guard let before, before.isActiveAdmin, !(after?.isActiveAdmin ?? false) else { return }
                let others = try await activeAdministrators(of: before.tenantID, excluding: before.id, on: connection)
                do throws(DomainError) {
                    try User.requireAnotherAdmin(before: before, after: after, otherActiveAdmins: others)
                } catch {
                    throw CommandError(error)
                }
            })
    }

    /// The active administrators of `tenant` other than `excluded`, counted from their streams on
    /// `connection` under the tenant's administrators lock (held until the transaction ends).
    ///
    /// The tenant's users are found through their username claims, which are written in the same
    /// transaction as each `UserRegistered`.
    func activeAdministrators(of tenant: TenantID, excluding excluded: UserID, on connection: PostgresConnection) async throws -> Int {
        let logger = store.logger
        try await connection.query(
            "SELECT pg_advisory_xact_lock(hashtextextended(\("tidemark.tenant_admins:\(tenant)"), 0))", logger: logger
        )
        var streams: [StreamName] = []
        let claimed = try await connection.query(
            "SELECT stream FROM unique_claims WHERE scope = \("username:\(tenant)")", logger: logger
        )
        let excludedStream = "\(User.category)-\(excluded)"
        for try await stream in claimed.decode(String.self) where stream != excludedStream {
            if let name = try? StreamName(stream) { streams.append(name) }
        }
        var count = 0
        for (stream, events) in try await store.readAll(streams: streams, on: connection) {
            if let user = try fold(User.self, events, stream: stream), user.tenantID == tenant, user.isActiveAdmin { count += 1 }
        }
        return count
    }
}
