import CommandLineSupport
import Domain
import EventStore
import Foundation
import HTTPTypes
import Logging
import NIOCore
import PostgresNIO
import SyncServer
import Synchronization
import WSClient

/// Many idle live WebSockets, each a device of its own user, as a connected population while
/// latency is measured. Their sessions are written straight into `auth_sessions` and their access
/// tokens signed with the server's secret (thousands of bcrypt sign-ins would dominate the run).
final class BackgroundSockets: Sendable {
    private let tasks: [Task<Void, Never>]

    private init(tasks: [Task<Void, Never>]) {
        self.tasks = tasks
    }

    /// A shared counter of greeted sockets.
    final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    /// Connects `count` sockets and waits until each is greeted.
    static func connect(count: Int, tenant: TenantID, secret: String, url: String, store: EventStore, logger: Logger) async throws -> BackgroundSockets {
        let signer = try TokenSigner(secret: Array(secret.utf8))
        let sessions = (0..<count).map { _ in (session: UUID(), user: UUID(), device: UUID()) }
        if !sessions.isEmpty {
            try await store.client.query(
                """
                INSERT INTO auth_sessions (session_id, user_id, tenant_id, device_id, device_name, refresh_hash, refresh_expires_at)
                SELECT s, u, \(tenant.rawValue), d, 'bench background', decode(md5(s::text), 'hex'), now() + interval '1 hour'
                FROM unnest(\(sessions.map(\.session)), \(sessions.map(\.user)), \(sessions.map(\.device))) AS x(s, u, d)
                """,
                logger: logger
            )
        }
        let now = Int64(Date().timeIntervalSince1970)
        let greeted = Counter()
        let socketURL = url.replacingOccurrences(of: "http://", with: "ws://") + "/v1/sync/live"
        var tasks: [Task<Void, Never>] = []
        for entry in sessions {
            let claims = AccessClaims(
                subject: entry.user.uuidString.lowercased(), tenant: tenant.description, session: entry.session.uuidString.lowercased(),
                device: entry.device.uuidString.lowercased(), roles: ["member"], issuedAt: now, expiresAt: now + 3600
            )
            var headers = HTTPFields()
            headers[.authorization] = "Bearer \(signer.sign(claims))"
            let configuration = WebSocketClientConfiguration(additionalHeaders: headers)
            tasks.append(
                Task {
                    _ = try? await WebSocketClient.connect(url: socketURL, configuration: configuration, logger: logger) { inbound, _, _ in
                        for try await message in inbound.messages(maxSize: 1 << 16) {
                            if case .text(let text) = message, text.contains("hello") { greeted.value.add(1, ordering: .relaxed) }
                        }
                    }
                })
        }
        let sockets = BackgroundSockets(tasks: tasks)
        let deadline = ContinuousClock.now + .seconds(120)
        while greeted.value.load(ordering: .relaxed) < count {
            guard ContinuousClock.now < deadline else {
                await sockets.close()
                throw CLIFailure(.benchmarkFailed, "only \(greeted.value.load(ordering: .relaxed)) of \(count) live sockets connected")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return sockets
    }

    /// Closes every socket.
    func close() async {
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }
}
