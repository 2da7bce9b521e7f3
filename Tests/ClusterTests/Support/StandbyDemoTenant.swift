import Foundation
import TidemarkTestSupport

/// A tenant of its own for one standby-read test, made by `synccli seed` through HAProxy (a random
/// seed, so every run gets new tenant codes): its administrator and members (`user1`, `user2`, …),
/// one password.
struct StandbyDemoTenant: Sendable {
    struct Login: Decodable, Sendable {
        var tenantCode: String
        var username: String
        var password: String
    }

    let logins: [Login]

    /// Seeds one tenant with `members` members (besides its administrator) and no todos or orders.
    static func make(members: Int) async throws -> StandbyDemoTenant {
        let seed = UInt64.random(in: 2...(1 << 48))
        let result = try await SyncCLI.run(
            [
                "seed", "--tenants", "1", "--users-per-tenant", "\(members)", "--todos-per-user", "0", "--orders-per-user", "0",
                "--seed", "\(seed)", "--password-cost", "4", "--json",
            ],
            database: nil)
        guard result.status == 0, let line = result.output.split(separator: "\n").last else {
            throw TestFailure("synccli seed: \(result.status) \(result.error.suffix(2000))")
        }
        // The seed prints the administrator and the first member; the others are `user2`, `user3`, …
        // with the same password.
        var logins = try JSONDecoder().decode([Login].self, from: Data(line.utf8))
        if let first = logins.first, members > 1 {
            for index in 2...members { logins.append(Login(tenantCode: first.tenantCode, username: "user\(index)", password: first.password)) }
        }
        return StandbyDemoTenant(logins: logins)
    }
}
