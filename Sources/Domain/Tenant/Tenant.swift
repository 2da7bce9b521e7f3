import Foundation

/// A tenant: an organisation whose users, todos, orders and messages are isolated from others.
///
/// Only the system principal creates tenants (anonymous sign-up of organisations is not offered);
/// the system or a tenant administrator renames; only the system deactivates.
public enum Tenant: Aggregate {
    /// Stream ids are tenant ids.
    public typealias ID = TenantID
    /// `nil` until `TenantCreated`.
    public typealias State = TenantState?

    /// `"tenant"`.
    public static let category = "tenant"
    /// No tenant yet.
    public static let initialState: TenantState? = nil

    /// Characters allowed in a tenant code.
    static let codeCharacters = Validate.lowercaseLetters + Validate.digits + "-"

    /// Decides a tenant command.
    public static func decide(
        _ command: TenantCommand, state: TenantState?, context: CommandContext
    ) throws(DomainError) -> [TenantEvent] {
        let now = context.timestamp
        switch command {
        case .create(let id, let name, let code):
            let principal = context.principal
            guard principal.kind == .system, principal.tenantID == nil || principal.tenantID == id else {
                throw .forbidden("only the system may create a tenant")
            }
            if state != nil { throw .alreadyExists("tenant \(id) already exists") }
            let name = try Validate.text(name, "name", 1...100)
            let code = try Validate.slug(code, "code", allowed: codeCharacters, 2...32)
            return [.created(.init(tenantID: id, name: name, code: code, at: now))]

        case .rename(let id, let name):
            let tenant = try existing(state, id)
            try Access.admin(context, id, to: "rename the tenant")
            guard tenant.isActive else { throw .conflict("cannot rename a deactivated tenant") }
            let name = try Validate.text(name, "name", 1...100)
            if name == tenant.name { return [] }
            return [.renamed(.init(tenantID: id, name: name, at: now))]

        case .deactivate(let id):
            let tenant = try existing(state, id)
            try Access.system(context, id, to: "deactivate the tenant")
            if !tenant.isActive { return [] }
            return [.deactivated(.init(tenantID: id, at: now))]
        }
    }

    /// Applies a tenant event.
    public static func evolve(_ state: TenantState?, _ event: TenantEvent) -> TenantState? {
        switch event {
        case .created(let created):
            return TenantState(id: created.tenantID, name: created.name, code: created.code, isActive: true, createdAt: created.at)
        case .renamed(let renamed):
            guard var tenant = state else { return state }
            tenant.name = renamed.name
            return tenant
        case .deactivated:
            guard var tenant = state else { return state }
            tenant.isActive = false
            return tenant
        }
    }

    private static func existing(_ state: TenantState?, _ id: TenantID) throws(DomainError) -> TenantState {
        guard let state, state.id == id else { throw .notFound("tenant \(id) does not exist") }
        return state
    }
}
