import Domain
import Testing
import TidemarkTestSupport

@testable import SyncServer

/// The per-device order of pushes within one instance, and its bound.
@Suite("Device queue", .timeLimit(.minutes(1)))
struct DeviceQueueTests {
    static let device = SyncDevice(tenantID: TenantID(), userID: UserID(), deviceID: DeviceID())

    @Test("pushes of one device run one after another, in the order they came")
    func inOrder() async throws {
        // Given a queue and three pushes of one device, the first of them slow
        let queue = DeviceQueue(patience: .seconds(60))
        let order = Locked<[Int]>([])
        let (firstStarted, started) = AsyncStream.makeStream(of: Void.self)
        let first = Task {
            try await queue.run(Self.device) { @Sendable in
                started.yield()
                try await Task.sleep(for: .milliseconds(300))
                order.withLock { $0.append(1) }
            }
        }
        for await _ in firstStarted { break }
        // When the others arrive while the first runs
        let second = Task { try await queue.run(Self.device) { order.withLock { $0.append(2) } } }
        try await first.value
        try await second.value
        // Then they ran in order
        #expect(order.value == [1, 2])
    }

    @Test("a push whose predecessor never finishes runs after the patience, not never")
    func boundedWait() async throws {
        // Given a push of a device that hangs (as a database call whose answer the driver lost)
        let queue = DeviceQueue(patience: .milliseconds(300))
        let (hung, hang) = AsyncStream.makeStream(of: Void.self)
        let (hungStarted, started) = AsyncStream.makeStream(of: Void.self)
        let stuck = Task {
            try await queue.run(Self.device) { @Sendable in
                started.yield()
                for await _ in hung {}
            }
        }
        for await _ in hungStarted { break }
        // When the device pushes again
        let clock = ContinuousClock()
        let start = clock.now
        let ran = try await queue.run(Self.device) { true }
        // Then the second push ran, once the patience had passed
        #expect(ran)
        #expect(clock.now - start >= .milliseconds(300))
        hang.finish()
        try await stuck.value
    }
}
