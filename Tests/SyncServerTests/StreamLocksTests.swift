import Commands
import EventStore
import Testing
import TidemarkTestSupport

/// The in-process queue of commands per stream (``StreamLocks``).
@Suite("Commands of one stream queue in this instance")
struct StreamLocksTests {
    /// Holds `stream` on `locks` until `release` finishes; `held` finishes once it is held.
    private static func holder(
        _ locks: StreamLocks, _ streams: [StreamName], held: AsyncStream<Void>.Continuation, release: AsyncStream<Void>
    ) -> Task<Void, any Error> {
        Task {
            try await locks.withLocks(streams) { () async throws(CommandError) in
                held.finish()
                for await _ in release {}
            }
        }
    }

    @Test("waiters run one at a time in arrival order")
    func fifo() async throws {
        let locks = StreamLocks(patience: .seconds(600))
        let stream = try StreamName("todo-fifo")
        let (held, heldSignal) = AsyncStream.makeStream(of: Void.self)
        let (release, releaseSignal) = AsyncStream.makeStream(of: Void.self)
        let first = Self.holder(locks, [stream], held: heldSignal, release: release)
        for await _ in held {}
        let order = Locked<[Int]>([])
        var waiters: [Task<Void, any Error>] = []
        for index in 0..<5 {
            waiters.append(
                Task {
                    try await locks.withLocks([stream]) { () async throws(CommandError) in order.withLock { $0.append(index) } }
                })
            try await eventually("waiter \(index) queued") { locks.waiting(on: stream) == index + 1 }
        }
        releaseSignal.finish()
        try await first.value
        for waiter in waiters { try await waiter.value }
        #expect(order.value == [0, 1, 2, 3, 4])
        #expect(locks.heldCount == 0)
    }

    @Test("a waiter cancelled while queued leaves the queue, and the stream goes to the next")
    func cancelledWaiter() async throws {
        let locks = StreamLocks(patience: .seconds(600))
        let stream = try StreamName("todo-cancel")
        let (held, heldSignal) = AsyncStream.makeStream(of: Void.self)
        let (release, releaseSignal) = AsyncStream.makeStream(of: Void.self)
        let first = Self.holder(locks, [stream], held: heldSignal, release: release)
        for await _ in held {}
        let ran = Locked(false)
        let cancelled = Task {
            try await locks.withLocks([stream]) { () async throws(CommandError) in ran.withLock { $0 = true } }
        }
        try await eventually("the waiter is queued") { locks.waiting(on: stream) == 1 }
        let next = Task { try await locks.withLocks([stream]) { () async throws(CommandError) in 42 } }
        try await eventually("the next waiter is queued") { locks.waiting(on: stream) == 2 }
        cancelled.cancel()
        let error = await #expect(throws: CommandError.self) { try await cancelled.value }
        #expect(error?.code == .unavailable)
        #expect(locks.waiting(on: stream) == 1)
        releaseSignal.finish()
        try await first.value
        #expect(try await next.value == 42)
        #expect(ran.value == false)
        #expect(locks.heldCount == 0)
    }

    @Test("a waiter past its patience is refused contention and leaves the queue; the holder's release still frees the stream")
    func timedOutWaiter() async throws {
        let locks = StreamLocks(patience: .milliseconds(50))
        let stream = try StreamName("todo-timeout")
        let (held, heldSignal) = AsyncStream.makeStream(of: Void.self)
        let (release, releaseSignal) = AsyncStream.makeStream(of: Void.self)
        let first = Self.holder(locks, [stream], held: heldSignal, release: release)
        for await _ in held {}
        let error = await #expect(throws: CommandError.self) {
            try await locks.withLocks([stream]) { () async throws(CommandError) in }
        }
        #expect(error?.code == .contention)
        #expect(locks.waiting(on: stream) == 0)
        releaseSignal.finish()
        try await first.value
        #expect(locks.heldCount == 0)
        #expect(try await locks.withLocks([stream]) { () async throws(CommandError) in "free" } == "free")
    }

    @Test("a body that throws releases every stream it held")
    func throwingBody() async throws {
        let locks = StreamLocks(patience: .seconds(600))
        let streams = [try StreamName("todo-b"), try StreamName("todo-a")]
        let error = await #expect(throws: CommandError.self) {
            try await locks.withLocks(streams) { () async throws(CommandError) in throw CommandError(.invalid, "no") }
        }
        #expect(error?.code == .invalid)
        #expect(locks.heldCount == 0)
    }

    @Test("overlapping sets of streams taken from many tasks at once never wait for each other for ever")
    func overlappingSets() async throws {
        let locks = StreamLocks(patience: .seconds(600))
        let names = try ["todo-1", "todo-2", "todo-3"].map { try StreamName($0) }
        let counter = Locked(0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<60 {
                let streams = index % 2 == 0 ? [names[2], names[0]] : [names[0], names[1], names[2]].shuffled()
                group.addTask {
                    try await locks.withLocks(streams) { () async throws(CommandError) in
                        counter.withLock { $0 += 1 }
                        await Task.yield()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(counter.value == 60)
        #expect(locks.heldCount == 0)
    }
}
