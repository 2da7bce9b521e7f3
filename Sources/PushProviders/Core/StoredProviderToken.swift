/// A provider authentication token as a ``ProviderTokenStore`` keeps it.
///
/// The token is a credential: whoever reads it can send through the provider until it expires
/// (APNs: 60 minutes after ``issuedAt``). Keep the store where only the server can read it.
public struct StoredProviderToken: Sendable, Hashable {
    /// The token, as sent after `bearer`.
    public var token: String
    /// Which signing key made it (for APNs: team id, key id and a digest of the public key); a
    /// token of another key is never reused.
    public var key: String
    /// When it was signed (its `iat`), in whole seconds since 1970.
    public var issuedAt: Int

    /// Creates a stored token.
    public init(token: String, key: String, issuedAt: Int) {
        self.token = token
        self.key = key
        self.issuedAt = issuedAt
    }
}
