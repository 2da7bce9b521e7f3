import Foundation
import Logging
import SyncClient
import SyncProtocol
import SyncServer
import Testing
import TidemarkTestSupport

/// A server that shuts down closes live sockets with 1012 ("service restart"), and `SyncClient`
/// reconnects after a short jitter instead of a back-off.
@Suite("Live sockets across a server restart", .timeLimit(.minutes(3)))
struct LiveRestartTests {
    @Test("a graceful shutdown closes the live socket with 1012 and a reason; the client waits only its restart jitter, then reconnects")
    func reconnectsPromptly() async throws {
        try await SyncHarness.with { h in
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("restart-\(UUID().uuidString).sqlite").path
            defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
            // Back-offs pinned to 30 s (jitter at its upper bound), the restart jitter to 250 ms: the
            // recorded waits tell which rule the client followed. Waits are cut short to keep the test quick.
            let sleeps = Locked<[Duration]>([])
            let policy = RetryPolicy(
                base: .seconds(30), cap: .seconds(30), maxAttempts: 2, restartJitter: .milliseconds(250), random: { 1 },
                sleep: { delay in
                    sleeps.withLock { $0.append(delay) }
                    try await Task.sleep(for: min(delay, .milliseconds(100)))
                })
            let idles = Locked(0)
            var quiet = h.logger
            quiet.logLevel = .error
            let client = try await SyncClient(
                configuration: .init(
                    databasePath: path, serverURL: h.server.baseURL, logger: quiet, retryPolicy: policy,
                    onStateChange: { state in if state == .idle { idles.withLock { $0 += 1 } } }))
            try await client.login(tenantCode: "acme", username: "ana", password: "correct horse battery")

            // Given a client in its live loop, greeted on its socket (it syncs once before
            // connecting and once on the server's hello), and a bare socket of another device
            let before = idles.value
            let run = Task { await client.run() }
            try await eventually("the client's live socket is greeted") { idles.value >= before + 2 }
            let url = h.server.baseURL.replacingOccurrences(of: "http://", with: "ws://") + "/v1/sync/live"
            let greeted = Locked(false)
            let bare = Task {
                try await NetworkTransport().live(
                    url: url, headers: ["Authorization": "Bearer \(ana.tokens.accessToken)", "Tidemark-Protocol": "1"]
                ) { message in if message.type == LiveMessage.hello.type { greeted.withLock { $0 = true } } }
            }
            try await eventually("the bare socket is greeted") { greeted.value }
            #expect(sleeps.value.isEmpty)

            // When the server shuts down gracefully
            let port = h.server.port
            try await h.server.stop()

            // Then the socket was closed with 1012 and the reason
            let close = try await bare.value
            #expect(close?.code == LiveClose.serviceRestartCode && close?.reason == LiveHub.restartCloseReason, "\(String(describing: close))")
            #expect(close?.asksToReconnect == true)
            // And the client's first wait is the restart jitter, not a back-off
            try await eventually("the client waits to reconnect") { !sleeps.value.isEmpty }
            #expect(sleeps.value.first == .milliseconds(250), "\(sleeps.value)")

            // And once the server is back, the client syncs with it again
            let offline = idles.value
            let server = TestServer(database: h.server.database, logger: h.logger, port: port)
            try await server.start()
            try await withCleanUp {
                try await eventually("the client syncs with the restarted server", timeout: .seconds(60)) { idles.value > offline }
            } cleanUp: {
                run.cancel()
                await run.value
                try? await client.close()
                try? await server.stop()
            }
        }
    }
}
