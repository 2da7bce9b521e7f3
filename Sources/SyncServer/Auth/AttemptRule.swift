/// A limit on attempts per subject in a fixed window: at most ``limit`` attempts from the first
/// one on, for ``windowSeconds``; then the count starts again.
public struct AttemptRule: Sendable, Hashable {
    /// The kind of attempt (`sign_in`, `sign_in_name`, `register_address`, `register_tenant`,
    /// `refresh_address`): the counters of different rules never mix.
    public var scope: String
    /// Attempts allowed in one window; 0 turns the rule off.
    public var limit: Int
    /// The window's length in seconds.
    public var windowSeconds: Int
    /// What is counted, for the refusal's message ("failed sign-ins for this name").
    public var counted: String

    /// Creates a rule.
    public init(scope: String, limit: Int, windowSeconds: Int, counted: String) {
        self.scope = scope
        self.limit = limit
        self.windowSeconds = windowSeconds
        self.counted = counted
    }
}
