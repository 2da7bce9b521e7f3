import Foundation
import SyncProtocol
import Testing
import TidemarkTestSupport

@testable import SyncServer

@Suite("Forged pull cursors", .timeLimit(.minutes(5)))
struct CursorTamperTests {
    @Test("a forged cursor with a negative snapshot entity is answered 400 and the server process keeps running")
    func negativeSnapshotEntity() async throws {
        try await ServeProcess.with { server in
            // Given a real cursor.
            let ana = try await server.signUp("ana")
            let first = try await server.call(.GET, "/v1/sync/pull?limit=1", token: ana.accessToken)
            #expect(first.status == 200, "\(first.text)")
            let cursor = try first.decode(PullResponse.self).cursor
            #expect(CursorSurgery.members(of: cursor) != nil, "\(cursor)")

            // When its snapshot entity is set to -1 and it is sent back.
            let forged = CursorSurgery.changing(cursor) { $0["se"] = "-1" }
            let answer = try await server.call(.GET, "/v1/sync/pull?cursor=\(forged)", token: ana.accessToken)

            // Then it is refused with a stable code, and the process is still there to answer.
            #expect(answer.status == 400 && answer.code == "invalid", "\(answer.status) \(answer.text)")
            #expect(server.isRunning, "synccli serve died: \(server.log.suffix(2000))")
            #expect(try await server.call(.GET, "/health").status == 200)
            #expect(try await server.call(.GET, "/v1/sync/pull?cursor=\(cursor)", token: ana.accessToken).status == 200)
        }
    }

    @Test("a cursor whose fields were changed is refused invalid: it neither skips changes nor claims mutations never applied")
    func tamperedFields() async throws {
        try await SyncHarness.with { h in
            // Given a device that pushed one mutation and pulled to the end of the feed.
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            _ = try await ana.push([("todo.create", .object(["todo_id": .string(UUID().uuidString), "title": .string("one")]))])
            var replica = Replica()
            try await eventually("the todo arrives and its mutation is included") {
                try await ana.pullAll(into: &replica)
                return replica.rows(.todos).count == 1 && replica.includedSeq == 1
            }
            let cursor = try #require(replica.cursor)
            let members = try #require(CursorSurgery.members(of: cursor))
            let transaction = try #require(members["t"].flatMap { UInt64($0) })

            // When single fields are raised, or the user is swapped, and the cursor is sent back.
            let forgeries: [(String, String)] = [
                ("a later feed position", CursorSurgery.changing(cursor) { $0["t"] = String(transaction + 1000) }),
                ("a higher included seq", CursorSurgery.changing(cursor) { $0["i"] = "1000" }),
                ("an entity past the last", CursorSurgery.changing(cursor) { $0["se"] = "99" }),
                ("another user", CursorSurgery.changing(cursor) { $0["u"] = "\"\(UUID().uuidString.lowercased())\"" }),
                ("a truncated text", String(cursor.dropLast(3))),
            ]

            // Then each is refused as not issued by this server; none answers a page.
            for (what, forged) in forgeries {
                #expect(forged != cursor, "\(what)")
                let answer = try await ana.pull(cursor: forged)
                #expect(answer.status == 400 && answer.code == "invalid", "\(what): \(answer.status) \(answer.text)")
            }
            // The genuine cursor still works.
            #expect(try await ana.pull(cursor: cursor).status == 200)
        }
    }

    @Test("a cursor with a valid MAC is still checked field by field, and a MAC of another version is refused")
    func validMACBadFields() async throws {
        try await SyncHarness.with { h in
            // Given a device that pushed one mutation and pulled to the end of the feed, and the
            // server's own cursor key.
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            _ = try await ana.push([("todo.create", .object(["todo_id": .string(UUID().uuidString), "title": .string("one")]))])
            var replica = Replica()
            try await eventually("the mutation is included") {
                try await ana.pullAll(into: &replica)
                return replica.includedSeq == 1
            }
            let cursor = try #require(replica.cursor)
            let members = try #require(CursorSurgery.members(of: cursor))
            let transaction = try #require(members["t"].flatMap { UInt64($0) })
            let signer = CursorSigner(secret: h.server.secret)
            /// The cursor with `changes` merged into its payload, signed with the server's key.
            func signed(version: String = "c1", _ changes: [String: String]) -> String {
                let changed = members.merging(changes) { _, new in new }
                return signer.sign(version: version, payload: CursorSurgery.encode(CursorSurgery.object(changed)))
            }
            #expect(signed([:]) == cursor)

            // When cursors carrying this server's MAC but impossible fields are sent.
            let refusals: [(String, String, Int, String)] = [
                ("a negative snapshot entity", signed(["se": "-1"]), 400, "invalid"),
                ("a snapshot entity past the last", signed(["se": "8"]), 400, "invalid"),
                ("a snapshot key of the wrong shape", signed(["se": "3", "sk": #""x:y:z""#]), 400, "invalid"),
                ("a snapshot key without an entity", signed(["sk": "\"\(UUID().uuidString)\""]), 400, "invalid"),
                ("a negative feed seq", signed(["s": "-1"]), 400, "invalid"),
                ("an included seq above 2^53 - 1", signed(["i": String(SyncPushService.maxSeq + 1)]), 400, "invalid"),
                ("a negative included seq", signed(["i": "-1"]), 400, "invalid"),
                ("a transaction beyond the feed", signed(["t": String(transaction + 1_000_000)]), 410, "resync_required"),
                ("another device", signed(["d": "\"\(UUID().uuidString)\""]), 410, "resync_required"),
                ("another version", signed(version: "c2", [:]), 400, "invalid"),
                ("no version", signed(version: "", [:]), 400, "invalid"),
            ]

            // Then each is refused with a stable code.
            for (what, forged, status, code) in refusals {
                let answer = try await ana.pull(cursor: forged)
                #expect(answer.status == status && answer.code == code, "\(what): \(answer.status) \(answer.text)")
            }
            // A signed included seq above what the device had answered is never reported.
            let ahead = try await ana.pull(cursor: signed(["i": "1000"]))
            #expect(ahead.status == 200)
            #expect(try ahead.decode(PullResponse.self).includedSeq == 1)
        }
    }

    @Test("a cursor is bound to its device: another device of the same user gets resync_required, not the first device's included_seq")
    func boundToDevice() async throws {
        try await SyncHarness.with { h in
            // Given device A of ana whose pull reports its mutation as included.
            _ = try await h.createTenant(code: "acme")
            let deviceA = try await h.signUp("ana", tenantCode: "acme")
            _ = try await deviceA.push([("todo.create", .object(["todo_id": .string(UUID().uuidString), "title": .string("one")]))])
            var replica = Replica()
            try await eventually("device A's mutation is included") {
                try await deviceA.pullAll(into: &replica)
                return replica.includedSeq == 1
            }
            let cursor = try #require(replica.cursor)

            // When device B of the same user sends device A's cursor.
            let deviceB = try await h.signIn("ana", tenantCode: "acme")
            let answer = try await deviceB.pull(cursor: cursor)

            // Then B must take its own snapshot; it is not told that its seq 1 is included.
            #expect(answer.status == 410 && answer.code == "resync_required", "\(answer.status) \(answer.text)")
            var fresh = Replica()
            try await deviceB.pullAll(into: &fresh)
            #expect(fresh.includedSeq == 0)
            // Another user's genuine cursor is refused the same way.
            let bob = try await h.signUp("bob", tenantCode: "acme")
            let other = try await bob.pull(cursor: cursor)
            #expect(other.status == 410 && other.code == "resync_required")
        }
    }

    @Test("cursors keep working after a restart and on another instance with the same secret; an instance with another secret refuses them")
    func sharedSecret() async throws {
        try await SyncHarness.with { h in
            // Given a cursor from the first instance.
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            var replica = Replica()
            try await ana.pullAll(into: &replica)
            let cursor = try #require(replica.cursor)

            // When the instance restarts, and when a second instance with the same secret answers.
            try await h.server.stop()
            try await h.server.start()
            let afterRestart = try await ana.pull(cursor: cursor)
            let second = TestServer(database: h.server.database, logger: h.logger)
            try await second.start()
            let viaSecond = try await h.call(.GET, "/v1/sync/pull?cursor=\(cursor)", token: ana.token, via: second)
            try await second.stop()

            // Then both accept it; an instance signing with another secret does not.
            #expect(afterRestart.status == 200, "\(afterRestart.text)")
            #expect(viaSecond.status == 200, "\(viaSecond.text)")
            let foreign = TestServer(database: h.server.database, logger: h.logger, secret: "another-secret-of-at-least-32-bytes-0123")
            try await foreign.start()
            let signIn = try await h.call(
                .POST, "/v1/auth/login",
                body: LoginRequest(
                    tenantCode: "acme", username: "ana", password: "correct horse battery", deviceID: ana.tokens.deviceID), via: foreign)
            let token = try signIn.decode(TokenResponse.self).accessToken
            let refused = try await h.call(.GET, "/v1/sync/pull?cursor=\(cursor)", token: token, via: foreign)
            try await foreign.stop()
            #expect(refused.status == 400 && refused.code == "invalid", "\(refused.status) \(refused.text)")
        }
    }
}
