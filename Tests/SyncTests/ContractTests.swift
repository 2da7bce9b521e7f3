import EventStore
import Foundation
import PostgresNIO
import SyncProtocol
import SyncServer
import Testing
import TidemarkTestSupport

/// The server against its OpenAPI document and protocol.md, over real HTTP: the mismatches that
/// schemathesis found from the outside (issue 16, item 11).
@Suite("The HTTP contract")
struct ContractTests {
    /// Sends one raw request (it should say `Connection: close`) and returns everything the server
    /// wrote until it closed the connection.
    static func raw(_ h: SyncHarness, _ request: String) async throws -> String {
        let connection = try await RawConnection.connect(port: h.server.port)
        await connection.send(request)
        _ = await connection.closedByServer()
        await connection.close()
        return connection.received
    }

    @Test("Tidemark-Protocol: a value that is not 1-9 digits is 400 invalid; only a well-formed older version is 426")
    func protocolHeader() async throws {
        try await SyncHarness.with { h in
            // Given malformed, negative and out-of-range values
            for value in ["-1", "1" + String(repeating: "0", count: 24), "abc", "1.0", "+1", "1 2", "9999999999"] {
                // Then each is refused as invalid, never as too old
                let answer = try await h.call(.GET, "/health", headers: [("Tidemark-Protocol", value)])
                #expect(answer.status == 400, "\(value): \(answer.status) \(answer.text)")
                #expect(answer.code == "invalid", "\(value)")
            }
            // Given a well-formed version older than the server's oldest
            let old = try await h.call(.GET, "/health", headers: [("Tidemark-Protocol", "0")])
            #expect(old.status == 426)
            #expect(old.code == "upgrade_required")
            // And the current and newer versions pass
            for value in ["1", "2", "999999999"] {
                #expect(try await h.call(.GET, "/health", headers: [("Tidemark-Protocol", value)]).status == 200, "\(value)")
            }
        }
    }

    @Test("a method a path is not routed for is 405 method_not_allowed with Allow; an unknown path stays 404")
    func methodNotAllowed() async throws {
        try await SyncHarness.with { h in
            // TRACE on the liveness route
            let trace = try await Self.raw(h, "TRACE /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            #expect(trace.hasPrefix("HTTP/1.1 405"), "\(trace)")
            #expect(trace.lowercased().contains("\r\nallow: get\r\n"), "\(trace)")
            #expect(trace.contains("\"code\":\"method_not_allowed\""))
            // DELETE on the push route (no token needed to learn the methods)
            let delete = try await Self.raw(h, "DELETE /v1/sync/push HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            #expect(delete.hasPrefix("HTTP/1.1 405"), "\(delete)")
            #expect(delete.lowercased().contains("\r\nallow: post\r\n"), "\(delete)")
            // GET on a todo, which has PATCH and DELETE
            let get = try await Self.raw(h, "GET /v1/todos/\(UUID().uuidString) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            #expect(get.hasPrefix("HTTP/1.1 405"), "\(get)")
            #expect(get.lowercased().contains("\r\nallow: delete, patch\r\n"), "\(get)")
            // An unknown path, and the live route without an upgrade, stay 404
            let unknown = try await Self.raw(h, "TRACE /no/such/route HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            #expect(unknown.hasPrefix("HTTP/1.1 404"), "\(unknown)")
            let live = try await Self.raw(h, "GET /v1/sync/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            #expect(live.hasPrefix("HTTP/1.1 404"), "\(live)")
            // A WebSocket upgrade is a GET: another method asking for one is a plain request, so 405
            let traceUpgrade = try await Self.raw(
                h, "TRACE /v1/sync/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n"
            )
            #expect(traceUpgrade.hasPrefix("HTTP/1.1 405"), "\(traceUpgrade)")
            #expect(traceUpgrade.lowercased().contains("\r\nallow: get\r\n"), "\(traceUpgrade)")
        }
    }

    @Test("a WebSocket upgrade without Sec-WebSocket-Key, or with a version other than 13, is answered 400 invalid")
    func webSocketHandshake() async throws {
        try await SyncHarness.with { h in
            let upgrade = "GET /v1/sync/live HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            // No key
            let noKey = try await Self.raw(h, upgrade + "Sec-WebSocket-Version: 13\r\n\r\n")
            #expect(noKey.hasPrefix("HTTP/1.1 400"), "\(noKey)")
            #expect(noKey.contains("\"code\":\"invalid\""))
            // A key that is not 16 bytes
            let shortKey = try await Self.raw(h, upgrade + "Sec-WebSocket-Key: c2hvcnQ=\r\nSec-WebSocket-Version: 13\r\n\r\n")
            #expect(shortKey.hasPrefix("HTTP/1.1 400"), "\(shortKey)")
            // Another version: the answer names the one supported
            let version = try await Self.raw(h, upgrade + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n")
            #expect(version.hasPrefix("HTTP/1.1 400"), "\(version)")
            #expect(version.lowercased().contains("\r\nsec-websocket-version: 13\r\n"), "\(version)")
        }
    }

    @Test("a request that asks to upgrade to another protocol than WebSocket is served as a plain request")
    func otherUpgrade() async throws {
        try await SyncHarness.with { h in
            // Given a first request on a connection with Upgrade: h2c (curl --http2) or an unknown protocol
            for proto in ["h2c", "AAA"] {
                let answer = try await Self.raw(
                    h, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nUpgrade: \(proto)\r\n\r\n"
                )
                // Then the Upgrade header is ignored (RFC 9110, 7.8) and the request answered
                #expect(answer.hasPrefix("HTTP/1.1 200"), "\(proto): \(answer)")
            }
            let live = try await Self.raw(
                h, "GET /v1/sync/live HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nUpgrade: AAA\r\n\r\n"
            )
            #expect(live.hasPrefix("HTTP/1.1 404"), "\(live)")
        }
    }

    @Test("after answering a request the decoder took as an upgrade (Connection: Upgrade), the server closes the connection instead of leaving it dead")
    func upgradeAttemptClosesTheConnection() async throws {
        try await SyncHarness.with { h in
            // Given a keep-alive connection whose first request asks to upgrade to h2c (curl --http2 does)
            let connection = try await RawConnection.connect(port: h.server.port)
            await connection.send(
                "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n")
            #expect(await connection.receive("{\"status\":\"ok\"}"), "\(connection.received)")
            // When the client sends its next request on the same connection
            await connection.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")

            // Then the first answer said the connection closes, and it did, with no second answer
            // (the HTTP decoder stops reading after an upgrade request, so the second one would hang)
            let closed = await connection.closedByServer()
            #expect(closed)
            #expect(connection.received.lowercased().contains("\r\nconnection: close\r\n"), "\(connection.received)")
            #expect(connection.received.components(separatedBy: "HTTP/1.1 ").count == 2, "\(connection.received)")
        }
    }

    @Test("a U+0000 character in a request is 400 invalid, not a database failure (503)")
    func nulCharacter() async throws {
        try await SyncHarness.with { h in
            _ = try await h.createTenant(code: "acme")
            // Given bodies whose strings carry U+0000, which PostgreSQL cannot store
            let register = try await h.call(
                .POST, "/v1/auth/register",
                body: RegisterRequest(
                    tenantCode: "ac\u{0}me", username: "ana", email: "ana@example.com", password: "correct horse battery"
                ))
            let login = try await h.call(
                .POST, "/v1/auth/login",
                body: LoginRequest(
                    tenantCode: "acme", username: "a\u{0}na", password: "correct horse battery", deviceID: UUID().uuidString
                ))
            // Then each is refused as invalid input
            for answer in [register, login] {
                #expect(answer.status == 400, "\(answer.status) \(answer.text)")
                #expect(answer.code == "invalid")
            }
        }
    }

    @Test("?access_token= is read on the WebSocket upgrade only, as protocol.md says")
    func queryTokenOnlyOnTheWebSocket() async throws {
        try await SyncHarness.with { h in
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            // A REST route ignores the query token
            let pull = try await h.call(.GET, "/v1/sync/pull?access_token=\(ana.token)")
            #expect(pull.status == 401)
            #expect(pull.code == "unauthorized")
            // The WebSocket upgrade accepts it
            let upgrade = try await RawConnection.connect(port: h.server.port)
            await upgrade.send(
                "GET /v1/sync/live?access_token=\(ana.token) HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nTidemark-Protocol: 1\r\n\r\n"
            )
            #expect(await upgrade.receive("\r\n\r\n"), "\(upgrade.received)")
            #expect(upgrade.received.hasPrefix("HTTP/1.1 101"), "\(upgrade.received)")
            await upgrade.close()
        }
    }

    @Test("PUT /v1/me/push-preferences answers 409 conflict for an idempotency key of another target, and the document lists 409")
    func pushPreferencesConflict() async throws {
        try await SyncHarness.with { h in
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            // Given a key used to create a todo
            let key = [("Idempotency-Key", "key-\(UUID().uuidString)")]
            let created = try await h.call(.POST, "/v1/todos", body: JSONValue.object(["title": .string("Milk")]), token: ana.token, headers: key)
            #expect(created.status == 201, "\(created.text)")
            // When the same key sets the push preferences
            let set = try await h.call(
                .PUT, "/v1/me/push-preferences", body: JSONValue.object(["muted": .array([.string("comment")])]), token: ana.token, headers: key
            )
            // Then the answer is 409 conflict, which the document lists
            #expect(set.status == 409, "\(set.text)")
            #expect(set.code == "conflict")
            #expect(try OpenAPIText.load().statuses(path: "/v1/me/push-preferences", method: "put").contains("409"))
        }
    }

    @Test("an order with an empty currency, sku or name is 400 invalid, and the document's minLength says so")
    func orderLengths() async throws {
        try await SyncHarness.with { h in
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            func item(sku: String = "SKU-1", name: String = "Oat milk") -> JSONValue {
                .object(["sku": .string(sku), "name": .string(name), "quantity": .number(1), "unit_price_minor": .number(199)])
            }
            let bodies: [(String, JSONValue)] = [
                ("currency", .object(["currency": .string(""), "items": .array([item()])])),
                ("sku", .object(["currency": .string("EUR"), "items": .array([item(sku: "")])])),
                ("name", .object(["currency": .string("EUR"), "items": .array([item(name: "")])])),
            ]
            for (member, body) in bodies {
                let answer = try await h.call(.POST, "/v1/orders", body: body, token: ana.token)
                #expect(answer.status == 400, "\(member): \(answer.status) \(answer.text)")
                #expect(answer.code == "invalid")
            }
            let placed = try await h.call(
                .POST, "/v1/orders", body: JSONValue.object(["currency": .string("EUR"), "items": .array([item()])]), token: ana.token)
            #expect(placed.status == 201, "\(placed.text)")

            let schema = try OpenAPIText.load().schema("OrderPlaceBody").split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            for (member, minimum) in [("currency", 3), ("sku", 1), ("name", 1)] {
                let line = schema.first { $0.hasPrefix("\(member): {") } ?? ""
                #expect(line.contains("minLength: \(minimum)"), "\(member): \(line)")
            }
        }
    }

    @Test("Idempotency-Key: 100 bytes are accepted, 101 are 400 invalid, and the document says 100")
    func idempotencyKeyLength() async throws {
        try await SyncHarness.with { h in
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            let body = JSONValue.object(["title": .string("Milk")])
            let accepted = try await h.call(
                .POST, "/v1/todos", body: body, token: ana.token, headers: [("Idempotency-Key", String(repeating: "k", count: 100))])
            #expect(accepted.status == 201, "\(accepted.text)")
            let refused = try await h.call(.POST, "/v1/todos", body: body, token: ana.token, headers: [("Idempotency-Key", String(repeating: "k", count: 101))])
            #expect(refused.status == 400)
            #expect(refused.code == "invalid")
            #expect(try OpenAPIText.load().parameter("IdempotencyKey").contains("maxLength: 100"))
        }
    }

    @Test("the push's documented answers are those it gives (no 409), and its body schema has one shape per mutation")
    func pushDocument() throws {
        let document = try OpenAPIText.load()
        // The push refuses whole batches with 400, 401, 413, 426, 429 and 503; conflicts are per mutation, in a 200
        #expect(document.statuses(path: "/v1/sync/push", method: "post") == ["200", "400", "401", "413", "426", "429", "503"])
        // A schema generators can use: one branch per mutation name, no if/then
        let mutation = document.schema("Mutation")
        #expect(!mutation.contains("if:"))
        #expect(mutation.contains("oneOf:"))
        for name in MutationName.allCases {
            #expect(mutation.contains("name: {const: \(name.rawValue)}"), "\(name.rawValue) has no branch")
        }
    }

    @Test("a device whose token another device took over is pulled with status disabled, which the document lists")
    func disabledDeviceRow() async throws {
        try await SyncHarness.with { h in
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            // Given two devices of Ana registered with the same push token: the second takes it over
            let first = UUID().uuidString.lowercased(), second = UUID().uuidString.lowercased()
            for device in [first, second] {
                let answer = try await h.call(
                    .POST, "/v1/devices",
                    body: JSONValue.object([
                        "device_id": .string(device), "platform": .string("web"), "provider": .string("apns"), "push_token": .string("shared-token"),
                    ]), token: ana.token)
                #expect(answer.status == 201, "\(answer.text)")
            }
            // When Ana pulls
            var status: String?
            try await eventually("the first device is pulled as disabled") {
                var replica = Replica()
                try await ana.pullAll(into: &replica)
                status = replica.rows(.devices)[first]?["status"]?.stringValue
                return status == "disabled"
            }
            // Then the document's device row admits that status
            let lines = try OpenAPIText.load().schema("DeviceRow").split(separator: "\n")
            let statusLine = lines.firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix("status:") }
            let block = statusLine.map { lines[$0..<min($0 + 4, lines.count)].joined(separator: "\n") } ?? ""
            #expect(block.contains("enum:") && block.contains("disabled"), "\(block)")
        }
    }

    @Test("a request stuck in the database is answered 503 at its deadline, before its handler finishes, without blaming the database")
    func deadlineAnswersOnTime() async throws {
        try await SyncHarness.with(configure: { $0.requestDeadline = .seconds(2) }) { h in
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            // Given a transaction holding an exclusive lock on the event log, so a write waits
            // inside PostgreSQL (where cancelling the request does not stop it)
            let held = Locked(false)
            let (release, releaser) = AsyncStream.makeStream(of: Void.self)
            let client = PostgresClient(
                configuration: h.server.database.url.clientConfiguration(maximumConnections: 1, applicationName: "test-lock"), backgroundLogger: h.logger)
            let running = Task { await client.run() }
            defer { running.cancel() }
            let locker = Task {
                try await client.withTransaction(logger: h.logger) { connection in
                    try await connection.query("LOCK TABLE events IN ACCESS EXCLUSIVE MODE", logger: h.logger)
                    held.withLock { $0 = true }
                    // Held until the test has its answer (at most 90 s: a guard against a hang)
                    _ = await Deadline.run(timeout: .seconds(90)) { for await _ in release {} }
                    held.withLock { $0 = false }
                }
            }
            try await eventually("the lock is held") { held.value }

            // When a REST write comes in
            let answer = try await h.call(.POST, "/v1/todos", body: JSONValue.object(["title": .string("Milk")]), token: ana.token, timeoutSeconds: 180)
            let stillHeld = held.value
            releaser.finish()
            try await locker.value

            // Then it got 503 while its handler was still blocked, and the message blames nobody
            #expect(answer.status == 503, "\(answer.status) \(answer.text)")
            #expect(answer.code == "unavailable")
            #expect(answer.retryAfter == "1")
            #expect(stillHeld, "the 503 came only after the lock was released, i.e. after the handler finished")
            let detail = answer.json?["detail"]?.stringValue ?? ""
            #expect(detail.contains("busy") && detail.contains("database"), "\(detail)")
        }
    }
}
