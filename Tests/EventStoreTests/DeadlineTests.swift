import Foundation
import Testing
import TidemarkTestSupport

@testable import EventStore

@Suite("Deadlines and read-your-writes waits", .timeLimit(.minutes(1)))
struct DeadlineTests {
    @Test("an operation that finishes in time returns its value")
    func fastOperation() async {
        let value = await Deadline.run(timeout: .seconds(5)) { 42 }
        #expect(value == 42)
    }

    @Test("an operation that ignores cancellation is abandoned at the deadline instead of awaited")
    func stuckOperation() async {
        let clock = ContinuousClock()
        let start = clock.now
        let value = await Deadline.run(timeout: .milliseconds(100)) { () async -> Int in
            // Ignores cancellation, like a query on a connection the driver never answers. It runs
            // far longer than any scheduling delay of a loaded machine, so awaiting it would show.
            let end = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < end { try? await Task.sleep(for: .milliseconds(50)) }
            return 1
        }
        #expect(value == nil)
        // Not a timing assertion: a guard that tells "abandoned" (about 0.1 s) from "awaited" (60 s).
        #expect(clock.now - start < .seconds(30))
    }

    @Test("waiting for a transaction that is still open gives up with a clear error at the timeout")
    func waitUntilReadableTimesOut() async throws {
        try await withFreshStore { store, _ in
            let (wrote, wroteContinuation) = AsyncStream.makeStream(of: UInt64.self)
            let (release, releaseContinuation) = AsyncStream.makeStream(of: Void.self)
            let holder = Task {
                try await store.transaction { tx in
                    let result = try await tx.append(to: Fixtures.stream(), expected: .noStream, events: [Fixtures.event()])
                    wroteContinuation.yield(result.transactionID)
                    for await _ in release { break }
                }
            }
            var open: UInt64 = 0
            for await transaction in wrote {
                open = transaction
                break
            }
            let error = await #expect(throws: EventStoreError.self) {
                try await store.waitUntilReadable(open, timeout: .milliseconds(200))
            }
            #expect(error?.code == .invalidArgument)
            #expect(error?.message.contains("events status") == true)
            releaseContinuation.yield()
            try await holder.value
            try await store.waitUntilReadable(open)
        }
    }
}
