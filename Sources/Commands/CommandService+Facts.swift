import Domain
import Foundation

extension CommandService {
    /// Creates a tenant, reserving its code so that two tenants never share one.
    @discardableResult
    public func createTenant(_ id: TenantID, name: String, code: String, envelope: CommandEnvelope) async throws(CommandError) -> CommandOutcome {
        let normalized = code.lowercased()
        return try await execute(
            Tenant.self, id: id, command: .create(id, name: name, code: code), envelope: envelope
        ) { _ in
            [UniqueClaim(scope: "tenant_code", value: normalized, takenMessage: "tenant code '\(normalized)' is already taken")]
        }
    }

    /// Registers a user in a tenant: hashes the password with bcrypt, checks the tenant is active and
    /// reserves the username within the tenant in the same transaction as the events.
    @discardableResult
    public func registerUser(
        _ id: UserID, tenantID: TenantID, username: String, email: String, phone: String?, password: String,
        envelope: CommandEnvelope
    ) async throws(CommandError) -> CommandOutcome {
        guard (8...200).contains(password.count) else {
            throw CommandError(.invalid, "a password must be 8-200 characters")
        }
        let hash: String
        do {
            hash = try await passwords.hash(password, cost: passwordCost)
        } catch .invalid(let error) {
            throw CommandError(.invalid, error.message)
        } catch .busy {
            throw CommandError(.unavailable, "too many password checks are under way; try again in a few seconds")
        } catch {
            throw CommandError(.unavailable, "the password could not be hashed now (the server is stopping or the request ended); try again")
        }
        return try await registerUser(id, tenantID: tenantID, username: username, email: email, phone: phone, passwordHash: hash, envelope: envelope)
    }

    /// Registers a user whose password is hashed already (a bcrypt hash from
    /// ``PasswordHashing/hash(_:cost:)``), for tools that create many users with one password
    /// (`synccli bench load`); otherwise as
    /// ``registerUser(_:tenantID:username:email:phone:password:envelope:)``.
    @discardableResult
    public func registerUser(
        _ id: UserID, tenantID: TenantID, username: String, email: String, phone: String?, passwordHash: String,
        envelope: CommandEnvelope
    ) async throws(CommandError) -> CommandOutcome {
        let tenant = try await load(Tenant.self, id: tenantID).state
        guard tenant != nil else {
            throw CommandError(.notFound, "tenant \(tenantID) does not exist")
        }
        let normalized = username.lowercased()
        return try await execute(
            User.self, id: id,
            command: .register(
                id, tenantID: tenantID, username: username, email: email, phone: phone, passwordHash: passwordHash,
                tenantIsActive: tenant?.isActive ?? false),
            envelope: envelope
        ) { _ in
            [UniqueClaim(scope: "username:\(tenantID)", value: normalized, takenMessage: "username '\(normalized)' is already taken in this tenant")]
        }
    }

    /// Sends a notification, resolving each receiver's tenant and status from their stream.
    @discardableResult
    public func sendNotification(
        _ id: NotificationID, tenantID: TenantID, receivers: [UserID], type: String, title: String, content: String,
        envelope: CommandEnvelope
    ) async throws(CommandError) -> CommandOutcome {
        guard (1...1000).contains(receivers.count) else {
            throw CommandError(.invalid, "a notification needs 1-1000 receivers")
        }
        var recipients: [Recipient] = []
        for receiver in Set(receivers).sorted(by: { $0.description < $1.description }) {
            guard let user = try await load(User.self, id: receiver).state, !user.isDeleted else {
                throw CommandError(.notFound, "user \(receiver) does not exist")
            }
            recipients.append(Recipient(userID: receiver, tenantID: user.tenantID, isActive: user.status == .active))
        }
        return try await execute(
            NotificationAggregate.self, id: id,
            command: .send(id, tenantID: tenantID, recipients: recipients, type: type, title: title, content: content),
            envelope: envelope
        )
    }
}
