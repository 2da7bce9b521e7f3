/// Where a provider keeps its own authentication token (the APNs provider token), so that every
/// server instance, and the next process after a restart, reuses a token that is still valid
/// instead of signing a new one: APNs refuses a new token sooner than 20 minutes after the last
/// (`TooManyProviderTokenUpdates`).
///
/// Implementations are called from many tasks and processes at once.
/// ``replaceProviderToken(_:with:channel:)`` is a compare-and-set, so instances that sign at the
/// same moment end up using one token.
public protocol ProviderTokenStore: Sendable {
    /// The token stored for `channel`, `nil` when there is none.
    ///
    /// - Throws: When the store cannot be read; the provider then works with its own token.
    func providerToken(channel: String) async throws -> StoredProviderToken?

    /// Stores `token` for `channel` if the stored token is still `expected` (`nil`: none stored).
    ///
    /// - Returns: The token stored afterwards: `token`, or the one another instance stored first.
    /// - Throws: When the store cannot be written; the provider then keeps `token` to itself.
    func replaceProviderToken(_ expected: StoredProviderToken?, with token: StoredProviderToken, channel: String) async throws -> StoredProviderToken?
}
