import Foundation
import Logging
import SyncClient
import SyncProtocol
import TidemarkTestSupport

/// A real `SyncClient` on a real SQLite file, signed in through the cluster's front door.
struct StandbyReplica: Sendable {
    let client: SyncClient
    let path: String

    /// Creates a replica file and signs `username` in on it.
    static func make(_ baseURL: String, tenantCode: String, username: String, password: String, name: String) async throws -> StandbyReplica {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tidemark-cluster-tests", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("\(UUID().uuidString).sqlite").path
        var logger = Logger(label: "standby-replica")
        logger.logLevel = .error
        let client = try await SyncClient(configuration: .init(databasePath: path, serverURL: baseURL, logger: logger, retryPolicy: .immediate))
        try await client.login(tenantCode: tenantCode, username: username, password: password, deviceName: name)
        return StandbyReplica(client: client, path: path)
    }

    /// The replica's todos: id → title.
    func todoTitles() async throws -> [String: String] {
        var titles: [String: String] = [:]
        for row in try await client.rows(.todos) {
            if let id = row["todo_id"]?.stringValue { titles[id] = row["title"]?.stringValue ?? "" }
        }
        return titles
    }

    /// Closes the client and removes its file.
    func remove() async {
        try? await client.close()
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }
}
