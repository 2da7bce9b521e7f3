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

    #if os(Linux)
        @Test("Given a cgroup (v1: a tasks file), each pool thread writes its own thread ID there when the pool starts")
        func cgroupV1() async throws {
            let directory = try Self.fakeCgroup(files: ["tasks"])
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let hasher = PasswordHasher(threads: 2, nice: 10, cgroup: directory)
            #expect(hasher.cgroup == directory)
            #expect(hasher.cgroupError == nil)
            #expect(hasher.threadsInCgroup == 2)
            let listed = try String(contentsOfFile: directory + "/tasks", encoding: .utf8).split(separator: "\n").map(String.init)
            let ownThreads = Set(try FileManager.default.contentsOfDirectory(atPath: "/proc/self/task"))
            #expect(listed.count == 2)
            #expect(Set(listed).count == 2, "two jobs ran on one thread: \(listed)")
            #expect(listed.allSatisfy { ownThreads.contains($0) })
            let hash = try await hasher.hash("in a cgroup", cost: 4)
            #expect(try await hasher.verify("in a cgroup", against: hash))
            try await hasher.shutdown()
        }

        @Test("Given a cgroup v2 directory (cgroup.threads), the threads are written there, not to tasks")
        func cgroupV2() async throws {
            let directory = try Self.fakeCgroup(files: ["cgroup.threads", "tasks"])
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let hasher = PasswordHasher(threads: 3, cgroup: directory + "/")
            #expect(hasher.threadsInCgroup == 3)
            #expect(try String(contentsOfFile: directory + "/cgroup.threads", encoding: .utf8).split(separator: "\n").count == 3)
            #expect(try String(contentsOfFile: directory + "/tasks", encoding: .utf8).isEmpty)
            try await hasher.shutdown()
        }

        @Test("A cgroup that cannot be written is reported in cgroupError and changes nothing else")
        func cgroupMissing() async throws {
            let directory = "/nonexistent-tidemark-cgroup-\(UUID().uuidString)"
            let hasher = PasswordHasher(threads: 2, cgroup: directory)
            #expect(hasher.threadsInCgroup == 0)
            #expect(hasher.cgroupError == PasswordCgroupError(file: directory + "/tasks", reason: .open(errno: ENOENT)))
            #expect(hasher.cgroupError?.description.contains("No such file or directory") == true)
            let hash = try await hasher.hash("no cgroup", cost: 4)
            #expect(try await hasher.verify("no cgroup", against: hash))
            try await hasher.shutdown()
        }

        /// A temporary directory with the given empty files, standing in for a cgroup.
        static func fakeCgroup(files: [String]) throws -> String {
            let directory = NSTemporaryDirectory() + "tidemark-cgroup-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for file in files { _ = FileManager.default.createFile(atPath: directory + "/" + file, contents: Data()) }
            return directory
        }
    #endif

    @Test("Without a cgroup nothing is placed and nothing is reported")
    func noCgroup() async throws {
        let hasher = PasswordHasher(threads: 1)
        #expect(hasher.cgroup == nil)
        #expect(hasher.threadsInCgroup == 0)
        #expect(hasher.cgroupError == nil)
        try await hasher.shutdown()
    }

    @Test("The inline hasher runs on the calling task and has no queue limit")
    func inline() async throws {
        let hash = try await PasswordHasher.inline.hash("pw-inline", cost: 4)
        #expect(try await PasswordHasher.inline.verify("pw-inline", against: hash))
        #expect(PasswordHasher.inline.threads == 0)
    }
}
