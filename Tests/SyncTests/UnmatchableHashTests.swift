import Commands
import Testing

@testable import SyncServer

/// The hash an unknown user's sign-in is checked against, made without running bcrypt.
@Suite("AuthService.unmatchableHash: a bcrypt hash of the server's cost that no password matches")
struct UnmatchableHashTests {
    @Test("is well formed at every cost and matches neither an empty nor a plausible password", arguments: [4, 9, 10, 12])
    func wellFormed(cost: Int) throws {
        let hash = AuthService.unmatchableHash(cost: cost)
        #expect(hash.count == PasswordHashing.hashLength, "\(hash)")
        #expect(hash.hasPrefix(cost < 10 ? "$2b$0\(cost)$" : "$2b$\(cost)$"), "\(hash)")
        // verify throws for a malformed hash: these calls return, so the hash is well formed.
        if cost <= 10 {
            #expect(try !PasswordHashing.verify("tidemark-dummy-password", against: hash))
            #expect(try !PasswordHashing.verify("", against: hash))
        }
    }
}
