import Commands
import Foundation
import Testing

@Suite("PasswordHasher: bcrypt on its own thread pool, with a bounded queue")
struct PasswordHasherTests {
    @Test("Hashes and checks on the pool as PasswordHashing does inline")
    func roundTrip() async throws {
        let hasher = PasswordHasher(threads: 2)
        let hash = try await hasher.hash("correct horse battery staple", cost: 4)
        #expect(hash.hasPrefix("$2b$04$"))
        #expect(try await hasher.verify("correct horse battery staple", against: hash))
        #expect(try await !hasher.verify("Correct horse battery staple", against: hash))
        #expect(try PasswordHashing.verify("correct horse battery staple", against: hash))
        #expect(hasher.queuedCount == 0)
        try await hasher.shutdown()
    }

    @Test("A bad cost, password or stored hash is .invalid with bcrypt's own error code")
    func invalidInput() async throws {
        let hasher = PasswordHasher(threads: 1)
        await #expect(throws: PasswordHasherError.self) { try await hasher.hash("pw", cost: 3) }
        do {
            _ = try await hasher.verify("pw", against: "$2b$04$short")
            Issue.record("a malformed hash was accepted")
        } catch .invalid(let error) {
            #expect(error.code == .invalidHash)
        } catch {
            Issue.record("unexpected \(error)")
        }
        do {
            _ = try await hasher.hash("a\u{0}b", cost: 4)
            Issue.record("a password with U+0000 was hashed")
        } catch .invalid(let error) {
            #expect(error.code == .invalidPassword)
        } catch {
            Issue.record("unexpected \(error)")
        }
        #expect(hasher.queuedCount == 0)
        try await hasher.shutdown()
    }

    @Test("Past maxQueued calls under way, one more is refused at once as .busy; the others finish")
    func boundedQueue() async throws {
        let hasher = PasswordHasher(threads: 1, maxQueued: 2)
        // Cost 12 takes long enough (hundreds of milliseconds) that both stay under way while the third arrives.
        async let first = hasher.hash("first password", cost: 12)
        async let second = hasher.hash("second password", cost: 12)
        var waited = 0
        while hasher.queuedCount < 2, waited < 200 {
            try await Task.sleep(for: .milliseconds(5))
            waited += 1
        }
        #expect(hasher.queuedCount == 2)
        do {
            _ = try await hasher.hash("third password", cost: 4)
            Issue.record("a call past maxQueued was admitted")
        } catch {
            #expect(error == .busy)
        }
        let hashes = try await [first, second]
        #expect(hashes.allSatisfy { $0.hasPrefix("$2b$12$") })
        #expect(hasher.queuedCount == 0)
        // Room again: a new call is admitted.
        _ = try await hasher.hash("fourth password", cost: 4)
        try await hasher.shutdown()
    }

    @Test("A call whose task is cancelled while it waits for a thread is .cancelled and frees its place")
    func cancelledWhileWaiting() async throws {
        let hasher = PasswordHasher(threads: 1, maxQueued: 4)
        async let busy = hasher.hash("keeps the thread busy", cost: 12)
        while hasher.queuedCount < 1 { try await Task.sleep(for: .milliseconds(5)) }
        let waiting = Task { try await hasher.hash("waits behind it", cost: 12) }
        while hasher.queuedCount < 2 { try await Task.sleep(for: .milliseconds(5)) }
        waiting.cancel()
        do {
            _ = try await waiting.value
            Issue.record("a cancelled call was computed")
        } catch let error as PasswordHasherError {
            #expect(error == .cancelled)
        }
        _ = try await busy
        #expect(hasher.queuedCount == 0)
        try await hasher.shutdown()
    }

    @Test("After shutdown a call is .unavailable, not a wrong answer")
    func afterShutdown() async throws {
        let hasher = PasswordHasher(threads: 1)
        try await hasher.shutdown()
        do {
            _ = try await hasher.verify("pw", against: BcryptTests.valid)
            Issue.record("a call after shutdown was answered")
        } catch {
            #expect(error == .unavailable)
        }
    }

    @Test("The inline hasher runs on the calling task and has no queue limit")
    func inline() async throws {
        let hash = try await PasswordHasher.inline.hash("pw-inline", cost: 4)
        #expect(try await PasswordHasher.inline.verify("pw-inline", against: hash))
        #expect(PasswordHasher.inline.threads == 0)
    }
}
