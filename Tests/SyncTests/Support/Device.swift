import Foundation
import Logging
import SyncClient
import SyncProtocol
import TidemarkTestSupport

/// A real `SyncClient` on a real SQLite file in a temporary folder, for one test.
struct Device: Sendable {
    let client: SyncClient
    let path: String
    let rejections: Locked<[Rejection]>

    /// Creates a replica file and a client pointed at `harness`'s server.
    static func make(_ harness: SyncHarness, retryPolicy: RetryPolicy = .immediate) async throws -> Device {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tidemark-sync-tests", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("\(UUID().uuidString).sqlite").path
        let rejections = Locked<[Rejection]>([])
        var logger = harness.logger
        logger.logLevel = .error
        let client = try await SyncClient(
            configuration: .init(
                databasePath: path, serverURL: harness.server.baseURL, logger: logger, retryPolicy: retryPolicy,
                onRejection: { rejection in rejections.withLock { $0.append(rejection) } }
            ))
        return Device(client: client, path: path, rejections: rejections)
    }

    /// Syncs until nothing is queued and a sync brings nothing new (projections have caught up).
    func settle(timeout: Duration = .seconds(90)) async throws {
        try await eventually("the replica settles", timeout: timeout) {
            let report = try await client.sync()
            let queued = try await client.queuedMutations()
            return queued.isEmpty && report.pulled == 0 && report.pushed == 0
        }
    }

    /// Closes the client and removes its file.
    func remove() async {
        try? await client.close()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}
