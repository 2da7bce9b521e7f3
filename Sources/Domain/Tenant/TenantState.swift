import Foundation

/// The state of one existing tenant.
public struct TenantState: Sendable, Equatable {
    /// The tenant.
    public var id: TenantID
    /// Display name, 1-100 characters.
    public var name: String
    /// Unique short code, lowercase `[a-z0-9-]{2,32}`.
    public var code: String
    /// Whether the tenant accepts sign-ups and commands.
    public var isActive: Bool
    /// When the tenant was created.
    public var createdAt: Date

    /// Creates a tenant state.
    public init(id: TenantID, name: String, code: String, isActive: Bool, createdAt: Date) {
        self.id = id
        self.name = name
        self.code = code
        self.isActive = isActive
        self.createdAt = createdAt
    }
}
