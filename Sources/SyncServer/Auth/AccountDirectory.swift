import Domain
import Logging
import PostgresNIO

/// Finds tenants and users by their unique names, through the command service's uniqueness
/// claims (`unique_claims`, written in the same transaction as the events), never through an
/// eventually consistent read table.
///
/// Database failures are converted here into ``AuthError`` `unavailable`.
struct AccountDirectory: Sendable {
    let client: PostgresClient
    let logger: Logger

    /// The tenant whose code is `code`.
    func tenant(code: String) async throws(AuthError) -> TenantID? {
        try await claimedID(scope: "tenant_code", value: code.lowercased(), category: Tenant.category).flatMap(TenantID.init)
    }

    /// The user named `username` in `tenant`.
    func user(named username: String, in tenant: TenantID) async throws(AuthError) -> UserID? {
        try await claimedID(scope: "username:\(tenant)", value: username.lowercased(), category: User.category).flatMap(UserID.init)
    }

    private func claimedID(scope: String, value: String, category: String) async throws(AuthError) -> String? {
        guard value.utf8.count <= 200 else { return nil }
        do {
            let rows = try await client.query("SELECT stream FROM unique_claims WHERE scope = \(scope) AND value = \(value)", logger: logger)
            for try await stream in rows.decode(String.self) where stream.hasPrefix(category + "-") {
                return String(stream.dropFirst(category.count + 1))
            }
            return nil
        } catch {
            throw .unavailable(error, while: "looking up an account")
        }
    }
}
