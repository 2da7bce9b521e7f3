import PostgresNIO
import PushProviders

/// `push_channels` keeps each channel's provider token (the APNs JWT) next to its pause state, so
/// every dispatcher of every instance, and the next process after a restart, shares one token.
///
/// The token is a credential for up to an hour; like everything in `public`, analysts cannot read it.
extension PushOutbox: ProviderTokenStore {
    /// The token stored for `channel`, `nil` when there is none.
    public func providerToken(channel: String) async throws -> StoredProviderToken? {
        let rows = try await client.query(
            """
            SELECT provider_token, provider_token_key, provider_token_issued_at FROM push_channels
            WHERE channel = \(channel) AND provider_token IS NOT NULL
            """, logger: logger)
        for try await (token, key, issuedAt) in rows.decode((String, String, Int64).self) {
            return StoredProviderToken(token: token, key: key, issuedAt: Int(issuedAt))
        }
        return nil
    }

    /// Stores `token` for `channel` if the stored token is still `expected` (compare and set, in
    /// one statement); returns the token stored afterwards.
    public func replaceProviderToken(
        _ expected: StoredProviderToken?, with token: StoredProviderToken, channel: String
    ) async throws -> StoredProviderToken? {
        let rows = try await client.query(
            """
            INSERT INTO push_channels AS c (channel, provider_token, provider_token_key, provider_token_issued_at, updated_at)
            VALUES (\(channel), \(token.token), \(token.key), \(Int64(token.issuedAt)), now())
            ON CONFLICT (channel) DO UPDATE SET
                provider_token = EXCLUDED.provider_token, provider_token_key = EXCLUDED.provider_token_key,
                provider_token_issued_at = EXCLUDED.provider_token_issued_at, updated_at = now()
            WHERE c.provider_token IS NOT DISTINCT FROM \(expected?.token)
            RETURNING 1
            """, logger: logger)
        for try await _ in rows { return token }
        return try await providerToken(channel: channel)
    }
}
