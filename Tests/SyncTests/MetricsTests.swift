import Domain
import EventStore
import Foundation
import PostgresNIO
import Projections
import PushStandIns
import SyncProtocol
import SyncServer
import Testing
import TidemarkTestSupport

/// `GET /metrics` of a real server after real traffic, the request id (`X-Request-Id`) from the
/// client to the events' correlation id, and the JSON log lines of `synccli serve`.
@Suite("Metrics, request ids and JSON logs")
struct MetricsTests {
    /// The server's metrics now.
    static func scrape(_ h: SyncHarness) async throws -> PrometheusText {
        let answer = try await h.call(.GET, "/metrics")
        guard answer.status == 200 else { throw TestFailure("/metrics: \(answer.status) \(answer.text)") }
        return PrometheusText(answer.text)
    }

    /// A harness whose sampler reads the log and the projections every 200 ms.
    static func withHarness(_ body: (SyncHarness) async throws -> Void) async throws {
        try await SyncHarness.with(configure: { $0.metricsSampleInterval = .milliseconds(200) }, body)
    }

    static func newTodo(_ title: String) -> (String, JSONValue) {
        ("todo.create", .object(["todo_id": .string(UUID().uuidString.lowercased()), "title": .string(title)]))
    }

    @Test("pushes count requests by outcome and their mutations by status; pulls count pages and rows; appends are counted and timed")
    func syncAndAppendMetrics() async throws {
        try await Self.withHarness { h in
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            let before = try await Self.scrape(h)

            // When ana pushes twice, 3 mutations in all, and one empty (refused) batch
            _ = try await ana.push([Self.newTodo("one"), Self.newTodo("two")])
            _ = try await ana.push([Self.newTodo("three")])
            let refused = try await h.call(.POST, "/v1/sync/push", body: SyncPushRequest(mutations: []), token: ana.token)
            #expect(refused.status == 400)
            // And pulls everything
            var replica = Replica()
            try await eventually("the todos are projected") {
                replica = Replica()
                try await ana.pullAll(into: &replica)
                return replica.rows(.todos).count == 3
            }
            let after = try await Self.scrape(h)

            // Then the pushes and their mutations are counted
            let pushes = "tidemark_sync_push_requests_total"
            #expect(after.sum(pushes, ["outcome": "ok"]) - before.sum(pushes, ["outcome": "ok"]) == 2)
            #expect(after.sum(pushes, ["outcome": "refused"]) - before.sum(pushes, ["outcome": "refused"]) == 1)
            #expect(after.sum(pushes, ["outcome": "failed"]) == 0)
            let mutations = "tidemark_sync_push_mutations_total"
            #expect(after.sum(mutations, ["status": "applied"]) - before.sum(mutations, ["status": "applied"]) == 3)
            #expect(after.sum(mutations, ["status": "rejected"]) == before.sum(mutations, ["status": "rejected"]))
            // And the pulls: at least one page each, and at least the 3 todos as upserts
            let pages = after.sum("tidemark_sync_pull_pages_total") - before.sum("tidemark_sync_pull_pages_total")
            #expect(pages >= 1)
            let upserts = after.sum("tidemark_sync_pull_rows_total", ["kind": "upsert"]) - before.sum("tidemark_sync_pull_rows_total", ["kind": "upsert"])
            #expect(upserts >= 3)
            #expect(after.families["tidemark_sync_pull_rows_total"] == "counter")
            // And the appends: each push committed its events (3 in all), and was timed
            let appends = "tidemark_event_store_appends_total"
            #expect(after.sum(appends, ["outcome": "written"]) - before.sum(appends, ["outcome": "written"]) >= 2)
            let events = after.sum("tidemark_event_store_appended_events_total") - before.sum("tidemark_event_store_appended_events_total")
            #expect(events >= 3)
            #expect(after.families["tidemark_event_store_append_duration_seconds"] == "histogram")
            #expect(after.sum("tidemark_event_store_append_duration_seconds_count") > before.sum("tidemark_event_store_append_duration_seconds_count"))
        }
    }

    @Test("HTTP requests are counted and timed (histograms) by route, method and status; unknown paths and methods add no label values")
    func httpMetrics() async throws {
        try await Self.withHarness { h in
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            #expect(try await h.call(.GET, "/health").status == 200)
            _ = try await ana.push([Self.newTodo("one")])
            #expect(try await h.call(.POST, "/v1/sync/push", body: JSONValue.object([:])).status == 401)
            // Many unknown paths, and a method no route has
            for _ in 0..<5 {
                #expect(try await h.call(.GET, "/no/such/\(UUID().uuidString)").status == 404)
            }
            let connection = try await RawConnection.connect(port: h.server.port)
            await connection.send("PROPFIND /v1/sync/push HTTP/1.1\r\nHost: x\r\nTidemark-Protocol: 1\r\nConnection: close\r\n\r\n")
            #expect(await connection.receive("405"), "\(connection.received)")

            let metrics = try await Self.scrape(h)
            let requests = "tidemark_http_requests_total"
            #expect(metrics.families[requests] == "counter")
            #expect(metrics.sum(requests, ["route": "/health", "method": "GET", "status": "200"]) >= 1)
            #expect(metrics.sum(requests, ["route": "/v1/sync/push", "method": "POST", "status": "200"]) == 1)
            #expect(metrics.sum(requests, ["route": "/v1/sync/push", "method": "POST", "status": "401"]) == 1)
            #expect(metrics.sum(requests, ["route": "unmatched", "method": "GET", "status": "404"]) == 5)
            #expect(metrics.sum(requests, ["method": "other", "status": "405"]) == 1)
            // One label value for every unknown path and method: none of them is echoed
            let routes = Set(metrics.samples(requests).compactMap { $0.labels["route"] })
            #expect(!routes.contains { $0.hasPrefix("/no/") }, "\(routes)")
            #expect(!metrics.samples.contains { $0.labels.values.contains("PROPFIND") })
            // The latency histograms share the labels
            let duration = "tidemark_http_request_duration_seconds"
            #expect(metrics.families[duration] == "histogram")
            let buckets = metrics.samples(duration + "_bucket", ["route": "/v1/sync/push", "method": "POST", "status": "200"])
            #expect(buckets.count >= 10 && buckets.contains { $0.labels["le"] == "+Inf" && $0.value == 1 }, "\(buckets)")
            #expect(metrics.sum(duration + "_count", ["route": "/v1/sync/push", "status": "200"]) == 1)
            // The scrape itself is in flight while it is answered
            #expect((metrics.value("tidemark_http_requests_in_flight") ?? 0) >= 1)
        }
    }

    @Test("live sockets, the pool, the log's safe position and the projections' lag are exported")
    func gauges() async throws {
        try await Self.withHarness { h in
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            _ = try await ana.push([Self.newTodo("one")])

            // A live socket is counted while it is open
            let live = LiveListener()
            live.connect(baseURL: h.server.baseURL, token: ana.token, logger: h.logger)
            try await eventually("the socket is greeted") { live.hellos.value == 1 }
            #expect(try await Self.scrape(h).value("tidemark_live_sockets") == 1)
            await live.close()
            try await eventually("the closed socket is no longer counted") { try await Self.scrape(h).value("tidemark_live_sockets") == 0 }

            // The pool: its size, leases in use and waiting, and the wait (a pull leases one)
            _ = try await ana.pull(cursor: nil)
            let metrics = try await Self.scrape(h)
            #expect(metrics.value("tidemark_db_pool_max_connections") == 8)
            #expect(metrics.value("tidemark_db_pool_in_use") != nil && metrics.value("tidemark_db_pool_waiting") != nil)
            #expect(metrics.sum("tidemark_db_pool_wait_seconds_count") >= 1)

            // The log: the sampler reports the head and no lag once nothing is in flight
            let head = try await h.store.status().head
            try await eventually("the sampler reports the log's head") {
                let metrics = try await Self.scrape(h)
                return metrics.value("tidemark_log_head_position") ?? 0 >= Double(head)
                    && metrics.value("tidemark_log_safe_position") ?? 0 >= Double(head)
                    && metrics.value("tidemark_log_safe_lag_events") == 0
            }
            // And every projection, caught up
            let names = ServerConfiguration(databaseURL: h.server.database.url).projections.map(\.name)
            try await eventually("every projection is reported caught up") {
                let metrics = try await Self.scrape(h)
                return names.allSatisfy { name in
                    metrics.value("tidemark_projection_lag_events", ["projection": name]) == 0
                        && metrics.value("tidemark_projection_lag_seconds", ["projection": name]) == 0
                        && metrics.value("tidemark_projection_failed", ["projection": name]) == 0
                        && metrics.value("tidemark_projection_rebuild_active", ["projection": name]) == 0
                }
            }
            let final = try await Self.scrape(h)
            #expect(final.value("tidemark_log_stalled") == 0)
            #expect((final.value("tidemark_metrics_sample_timestamp_seconds") ?? 0) > Date().timeIntervalSince1970 - 60)
            #expect(final.value("tidemark_metrics_sample_failures_total") == 0)
        }
    }

    @Test("a projection stopped by an event it cannot apply is reported failed, and its lag grows")
    func failedProjection() async throws {
        try await Self.withHarness { h in
            let tenant = try await h.createTenant(code: "acme")
            // An event the todos projection cannot decode
            try await h.store.append(
                to: StreamName("todo-\(UUID().uuidString.lowercased())"), expected: .noStream,
                events: [EventData(type: "TodoCreated", json: #"{"nonsense":true}"#, metadata: EventMetadata(tenantID: tenant.description))]
            )
            try await eventually("the todos projection is reported failed and behind") {
                let metrics = try await Self.scrape(h)
                return metrics.value("tidemark_projection_failed", ["projection": "todos"]) == 1
                    && metrics.value("tidemark_projection_lag_events", ["projection": "todos"]) ?? 0 >= 1
                    && metrics.value("tidemark_projection_lag_seconds", ["projection": "todos"]) ?? 0 > 0
            }
        }
    }

    /// The correlation and causation ids of the events at `positions`.
    static func correlation(of positions: [Int64], in h: SyncHarness) async throws -> [(String?, String?)] {
        let rows = try await h.store.client.query(
            "SELECT metadata->>'correlation', metadata->>'causation' FROM events WHERE position = ANY(\(positions)) ORDER BY position",
            logger: h.logger)
        var result: [(String?, String?)] = []
        for try await row in rows.decode((String?, String?).self) { result.append(row) }
        return result
    }

    @Test("a safe X-Request-Id is answered and becomes the correlation id of the events a push or a REST write appends")
    func requestIDIsTheCorrelationID() async throws {
        try await SyncHarness.with { h in
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            // A push with an id
            let todo = UUID().uuidString.lowercased()
            let mutation = Mutation(id: "m-1", seq: 1, name: "todo.create", args: .object(["todo_id": .string(todo), "title": .string("Milk")]))
            let pushed = try await h.call(
                .POST, "/v1/sync/push", body: SyncPushRequest(mutations: [mutation]), token: ana.token, headers: [("X-Request-Id", "push.req:1_A-z")])
            #expect(pushed.status == 200)
            #expect(pushed.requestID == "push.req:1_A-z")
            let result = try #require(try pushed.decode(SyncPushResponse.self).results.first)
            let stored = try await Self.correlation(of: result.positions, in: h)
            #expect(!stored.isEmpty)
            #expect(stored.allSatisfy { $0.0 == "push.req:1_A-z" && $0.1 == "mutation:m-1" }, "\(stored)")

            // A REST write with an id
            let written = try await h.call(
                .POST, "/v1/todos", body: JSONValue.object(["title": .string("Eggs")]), token: ana.token, headers: [("X-Request-Id", "rest-2")])
            #expect(written.status == 201)
            #expect(written.requestID == "rest-2")
            let listed = written.json?["positions"]?.arrayValue ?? []
            let positions = listed.compactMap { $0.int64Value }
            #expect(!positions.isEmpty, "\(written.text)")
            #expect(try await Self.correlation(of: positions, in: h).map(\.0) == positions.map { _ in "rest-2" })

            // Without one, the server's id is answered, and it is the correlation id
            let plain = try await h.call(
                .POST, "/v1/sync/push",
                body: SyncPushRequest(mutations: [
                    Mutation(id: "m-2", seq: 2, name: "todo.edit", args: .object(["todo_id": .string(todo), "title": .string("Oat")]))
                ]),
                token: ana.token)
            let generated = try #require(plain.requestID)
            #expect(!generated.isEmpty && generated.allSatisfy(\.isHexDigit), "\(generated)")
            let positions2 = try #require(try plain.decode(SyncPushResponse.self).results.first?.positions)
            #expect(try await Self.correlation(of: positions2, in: h).map(\.0) == positions2.map { _ in generated })
            // Error answers carry it too
            let unauthorized = try await h.call(.GET, "/v1/sync/pull", headers: [("X-Request-Id", "denied-1")])
            #expect(unauthorized.status == 401 && unauthorized.requestID == "denied-1")
            let missing = try await h.call(.GET, "/no/such/route", headers: [("X-Request-Id", "missing-1")])
            #expect(missing.status == 404 && missing.requestID == "missing-1")
        }
    }

    @Test("a hostile X-Request-Id (too long, odd characters, non-ASCII) is replaced, never echoed, and not stored")
    func hostileRequestID() async throws {
        try await SyncHarness.with { h in
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            let hostile = [
                String(repeating: "a", count: 65), "two words", "quote\"brace{", "ид-запроса", "tab\there", "semi;colon", "a,b",
            ]
            for value in hostile {
                // Raw bytes, as a client could send them
                let connection = try await RawConnection.connect(port: h.server.port)
                await connection.send("GET /health HTTP/1.1\r\nHost: x\r\nX-Request-Id: \(value)\r\nConnection: close\r\n\r\n")
                #expect(await connection.receive("\r\n\r\n"), "\(value): \(connection.received)")
                let answer = connection.received
                #expect(answer.hasPrefix("HTTP/1.1 200"), "\(value): \(answer)")
                #expect(!answer.contains(value), "\(value) was echoed: \(answer)")
                let header = answer.split(separator: "\r\n").first { $0.lowercased().hasPrefix("x-request-id:") }
                let id = try #require(header.map { $0.dropFirst("x-request-id:".count).trimmingCharacters(in: .whitespaces) }, "\(answer)")
                #expect(!id.isEmpty && id.allSatisfy(\.isHexDigit), "\(value) → \(id)")
            }
            // A control character: refused by the HTTP parser, or replaced; never echoed
            let connection = try await RawConnection.connect(port: h.server.port)
            await connection.send("GET /health HTTP/1.1\r\nHost: x\r\nX-Request-Id: bell\u{07}id\r\nConnection: close\r\n\r\n")
            _ = await connection.closedByServer(within: .seconds(30))
            #expect(!connection.received.contains("bell"), "\(connection.received)")

            // A push with a hostile id stores the server's id, which is answered
            let todo = UUID().uuidString.lowercased()
            let tooLong = String(repeating: "x", count: 65)
            let pushed = try await h.call(
                .POST, "/v1/sync/push",
                body: SyncPushRequest(mutations: [
                    Mutation(id: "m-1", seq: 1, name: "todo.create", args: .object(["todo_id": .string(todo), "title": .string("Milk")]))
                ]),
                token: ana.token, headers: [("X-Request-Id", tooLong)])
            let id = try #require(pushed.requestID)
            #expect(id != tooLong && id.allSatisfy(\.isHexDigit))
            let positions = try #require(try pushed.decode(SyncPushResponse.self).results.first?.positions)
            #expect(try await Self.correlation(of: positions, in: h).map(\.0) == positions.map { _ in id })
        }
    }

    /// The repository root: this file is `Tests/SyncTests/MetricsTests.swift`.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every `tidemark_…` name the dashboard's queries use.
    static func dashboardMetrics() throws -> Set<String> {
        let data = try Data(contentsOf: root.appendingPathComponent("docs/dashboards/tidemark.json"))
        let dashboard = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var names = Set<String>()
        for panel in dashboard["panels"] as? [[String: Any]] ?? [] {
            for target in panel["targets"] as? [[String: Any]] ?? [] {
                for match in (target["expr"] as? String ?? "").matches(of: /tidemark_[a-z_]+/) { names.insert(String(match.output)) }
            }
        }
        return names
    }

    /// The metrics operations.md's Metrics table lists.
    static func documentedMetrics() throws -> Set<String> {
        let text = try String(contentsOf: root.appendingPathComponent("docs/operations.md"), encoding: .utf8)
        let section = try #require(text.range(of: "\n## Metrics\n").map { text[$0.upperBound...] })
        let body = section[..<(section.range(of: "\n## ")?.lowerBound ?? section.endIndex)]
        return Set(body.split(separator: "\n").filter { $0.hasPrefix("| `tidemark_") }.map { String($0.split(separator: "`")[1]) })
    }

    @Test("after traffic (with a push delivery) every metric the dashboard queries is exported, and operations.md lists exactly the exported metrics")
    func dashboardMatchesTheServer() async throws {
        try await PushWorld.with(configure: { configuration, provider in
            configuration.pushProviders = [provider]
            configuration.pushOptions.idlePoll = .milliseconds(50)
            configuration.metricsSampleInterval = .milliseconds(200)
        }) { world in
            // Traffic: sign-ups and a wrong password, a push, a pull, a REST write, a live socket,
            // an unknown path, and a push delivery
            let h = world.h
            let ana = try await h.signUp("ana", tenantCode: "acme")
            let wrong = LoginRequest(tenantCode: "acme", username: "ana", password: "wrong", deviceID: UUID().uuidString)
            let refused = try await h.call(.POST, "/v1/auth/login", body: wrong)
            #expect(refused.status == 401, "\(refused.text)")
            _ = try await ana.push([Self.newTodo("one")])
            _ = try await ana.pull(cursor: nil)
            #expect(try await h.call(.POST, "/v1/todos", body: JSONValue.object(["title": .string("Eggs")]), token: ana.token).status == 201)
            #expect(try await h.call(.GET, "/no/such/route").status == 404)
            let live = LiveListener()
            live.connect(baseURL: h.server.baseURL, token: ana.token, logger: h.logger)
            try await eventually("the socket is greeted") { live.hellos.value == 1 }
            let bob = try await world.user("bob")
            let device = try await world.device(for: bob)
            try await world.notify([bob], title: "Hi")
            try await eventually("the stand-in receives the push", timeout: .seconds(60)) { world.standIn.deliveryCount(for: device.token) == 1 }
            try await eventually("the delivery is counted and the database figures are sampled") {
                let metrics = try await Self.scrape(h)
                // The channel's paused gauge is set by the dispatcher's next round after the first
                // outcome created the channel's state row.
                return metrics.sum("tidemark_push_sends_total", ["outcome": "accepted"]) >= 1
                    && metrics.value("tidemark_metrics_sample_timestamp_seconds") != nil
                    && !metrics.samples("tidemark_projection_lag_events").isEmpty
                    && !metrics.samples("tidemark_push_channel_paused").isEmpty
            }
            let metrics = try await Self.scrape(h)
            await live.close()

            // Then every metric the dashboard queries has samples
            let queried = try Self.dashboardMetrics()
            #expect(queried.count >= 30)
            for name in queried.sorted() {
                #expect(!metrics.samples(name).isEmpty, "the dashboard queries \(name), which /metrics does not export")
            }
            // And operations.md lists exactly the exported families
            let exported = Set(metrics.families.keys.filter { $0.hasPrefix("tidemark_") })
            let documented = try Self.documentedMetrics()
            #expect(exported.subtracting(documented).isEmpty, "exported but not documented: \(exported.subtracting(documented).sorted())")
            #expect(documented.subtracting(exported).isEmpty, "documented but not exported: \(documented.subtracting(exported).sorted())")
        }
    }
}
