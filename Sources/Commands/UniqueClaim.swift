/// A value that must be unique across streams (a tenant code, a username within a tenant),
/// reserved in the same transaction as the events that need it.
public struct UniqueClaim: Sendable, Hashable {
    /// What kind of value, for example `tenant_code` or `username:<tenant id>`.
    public var scope: String
    /// The value, normalised (lower-cased).
    public var value: String
    /// The message when the value is taken.
    public var takenMessage: String

    /// Creates a claim.
    public init(scope: String, value: String, takenMessage: String) {
        self.scope = scope
        self.value = value
        self.takenMessage = takenMessage
    }
}
