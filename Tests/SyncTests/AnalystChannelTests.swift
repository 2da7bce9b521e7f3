import EventStore
import Foundation
import Logging
import PostgresNIO
import Projections
import SyncProtocol
import Testing
import TidemarkTestSupport

/// The read-only analyst role may read the `read` schema; it must not be able to hear the server's
/// notification channels or poke live sockets (LISTEN and NOTIFY need no privilege in PostgreSQL).
@Suite("Analysts and the server's channels", .timeLimit(.minutes(5)))
struct AnalystChannelTests {
    @Test("the analyst role's NOTIFY and pg_notify on the feed's names poke no socket, its LISTEN hears nothing, and it cannot read the real names")
    func analystCannotPokeOrListen() async throws {
        let role = "analyst_\(UUID().uuidString.lowercased().prefix(8))"
        try await SyncHarness.with { h in
            // Given Ana's laptop listens live, and an analyst role exists
            let tenant = try await h.createTenant(code: "acme")
            let phone = try await h.signUp("ana", tenantCode: "acme")
            let laptop = try await h.signIn("ana", tenantCode: "acme")
            let live = LiveListener()
            live.connect(baseURL: h.server.baseURL, token: laptop.token, logger: h.logger)
            try await eventually("the socket is greeted") { live.hellos.value == 1 }
            try await eventually("the profile is projected") {
                var replica = Replica()
                try await laptop.pullAll(into: &replica)
                return replica.rows(.profile).count == 1
            }
            try await AnalystRole.ensure(name: role, client: h.store.client, logger: h.logger)
            var url = h.server.database.url
            url.username = role
            let analyst = try await PostgresConnection.connect(configuration: try url.connectionConfiguration(), id: 1, logger: h.logger)
            let listener = try await PostgresConnection.connect(configuration: try url.connectionConfiguration(), id: 2, logger: h.logger)
            func sqlState(_ sql: String) async -> PostgresError.Code? {
                do {
                    _ = try await analyst.query(PostgresQuery(unsafeSQL: sql), logger: h.logger).collect()
                    return nil
                } catch let error as PSQLError {
                    return error.sqlState ?? .internalError
                } catch {
                    return .internalError
                }
            }
            // The analyst listens on every name it could know of.
            let heard = Locked<[String]>([])
            let listening = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for channel in ["tidemark_read", "tidemark_events"] {
                        group.addTask {
                            try await listener.listen(on: channel) { notifications in
                                for try await notification in notifications { heard.withLock { $0.append(notification.payload) } }
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            try await Task.sleep(for: .milliseconds(800))
            let quiet = live.pokes.value

            // When the analyst signals the names the feed used to signal
            for sql in [
                "SELECT pg_notify('tidemark_read', '\(tenant)')", "SELECT pg_notify('tidemark_read', '\(tenant):\(laptop.userID)')",
                "NOTIFY tidemark_read, '\(tenant)'", "SELECT pg_notify('tidemark_events', '')",
            ] {
                let state = await sqlState(sql)
                #expect(state == nil || state == .insufficientPrivilege || state == .readOnlySqlTransaction, "\(sql): \(state?.raw ?? "ok")")
            }
            // Then no socket is poked (a stray poke would arrive within milliseconds; allow 1.5 s)
            try await Task.sleep(for: .milliseconds(1500))
            #expect(live.pokes.value == quiet, "the analyst's NOTIFY poked a live socket")

            // And the real names stay private: the table is refused, no function body and no
            // visible session query holds them
            #expect(await sqlState("SELECT channel FROM notify_channels") == .insufficientPrivilege)
            var channels: [String] = []
            for try await channel in try await h.store.client.query("SELECT channel FROM notify_channels").decode(String.self) {
                channels.append(channel)
            }
            #expect(channels.count == 2 && channels.allSatisfy { $0.count > 40 })
            let visible = try await analyst.query(
                "SELECT coalesce(string_agg(prosrc, ' '), '') FROM pg_proc UNION ALL SELECT coalesce(string_agg(query, ' '), '') FROM pg_stat_activity",
                logger: h.logger
            ).collect()
            for row in visible {
                let text = try row.decode(String.self)
                for channel in channels { #expect(!text.contains(channel), "the analyst can read \(channel.prefix(20))…") }
            }

            // When a device really changes something, the laptop is poked and the analyst hears
            // nothing (beyond its own notifications above, which its listener heard)
            heard.withLock { $0.removeAll() }
            _ = try await phone.push([("todo.create", .object(["todo_id": .string(UUID().uuidString), "title": .string("real change")]))])
            try await eventually("the laptop is poked by the real change") { live.pokes.value > quiet }
            try await Task.sleep(for: .milliseconds(500))
            #expect(heard.value.isEmpty, "the analyst heard \(heard.value)")

            listening.cancel()
            _ = try? await listening.value
            try await listener.close()
            try await analyst.close()
            await live.close()
        }
        let admin = PostgresClient(
            configuration: try DatabaseURL.fromEnvironment().clientConfiguration(maximumConnections: 1, applicationName: "drop-role"),
            backgroundLogger: Logger(label: "drop-role"))
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await admin.run() }
            _ = try await admin.query(PostgresQuery(unsafeSQL: "DROP ROLE IF EXISTS \(role)"))
            group.cancelAll()
        }
    }
}
