import Commands
import Domain
import EventStore
import Foundation
import PostgresNIO
import SyncProtocol
import Testing
import TidemarkTestSupport

/// Crypto-shredding: personal fields are stored encrypted with a per-user key outside the log, and
/// erasing a user destroys the key (issue 19 item 3). Real PostgreSQL, a real server over HTTP, and
/// `synccli` as an operator runs it.
@Suite("Erasure of personal data (crypto-shredding)", .timeLimit(.minutes(5)))
struct ErasureTests {
    /// What Carol gives about herself: none of it may be in the stored log in plain text.
    enum Carol {
        static let username = "carol.shred"
        static let email = "carol.shred@example.com"
        static let phone = "+41791234567"
        static let nickname = "Carol Danvers Shred"
        static let avatar = "https://cdn.example.com/carol-shred.png"
    }

    /// Every string Carol gave.
    static var originals: [String] { [Carol.username, Carol.email, Carol.phone, Carol.nickname, Carol.avatar] }

    /// Registers Ana (administrator), Bob (member) and Carol (member with a full profile, a todo and
    /// an order) in tenant `acme`.
    static func world(_ h: SyncHarness) async throws -> World {
        let tenant = try await h.createTenant(code: "acme")
        let first = try await h.signUp("ana", tenantCode: "acme")
        try await h.makeAdmin(first.userID, tenant: tenant)
        let ana = try await h.signIn("ana", tenantCode: "acme")
        let bob = try await h.signUp("bob", tenantCode: "acme")
        let registered = try await h.call(
            .POST, "/v1/auth/register",
            body: RegisterRequest(tenantCode: "acme", username: Carol.username, email: Carol.email, password: "correct horse battery"))
        try #require(registered.status == 201, "\(registered.text)")
        let carolSession = try await h.signIn(Carol.username, tenantCode: "acme")
        let profile = try await h.call(
            .PATCH, "/v1/me", body: ["nickname": Carol.nickname, "phone": Carol.phone, "avatar_url": Carol.avatar], token: carolSession.token)
        try #require(profile.status == 200, "\(profile.text)")
        let todo = try await h.call(.POST, "/v1/todos", body: ["title": "Buy paint"], token: carolSession.token)
        try #require(todo.status == 201, "\(todo.text)")
        let order = try await h.call(
            .POST, "/v1/orders",
            body: OrderBody(currency: "CHF", items: [.init(sku: "PNT-1", name: "Paint", quantity: 3, unitPriceMinor: 1250)]),
            token: carolSession.token)
        try #require(order.status == 201, "\(order.text)")
        let todoID = try #require(todo.json?["id"]?.stringValue)
        let orderID = try #require(order.json?["id"]?.stringValue)
        return World(ana: ana, bob: bob, carol: carolSession, todo: todoID, order: orderID)
    }

    /// The tenant's three users and Carol's todo and order.
    struct World: Sendable {
        let ana: Session
        let bob: Session
        let carol: Session
        let todo: String
        let order: String
    }

    /// The stored `events.data` of every event, as text.
    static func storedPayloads(_ h: SyncHarness) async throws -> [String] {
        var result: [String] = []
        let rows = try await h.store.client.query("SELECT data::text FROM events ORDER BY position", logger: h.logger)
        for try await text in rows.decode(String.self) { result.append(text) }
        return result
    }

    /// Carol's row of `read.users`: username, email, phone, nickname, avatar URL.
    static func usersRow(_ h: SyncHarness, _ id: String) async throws -> [String?] {
        let rows = try await h.store.client.query(
            "SELECT username, email, phone, nickname, avatar_url FROM read.users WHERE user_id = \(try #require(UUID(uuidString: id)))",
            logger: h.logger)
        for try await (username, email, phone, nickname, avatar) in rows.decode((String, String, String?, String?, String?).self) {
            return [username, email, phone, nickname, avatar]
        }
        return []
    }

    @Test("personal fields are stored encrypted, the read table and decide see them in clear")
    func storedEncrypted() async throws {
        try await SyncHarness.with { h in
            // Given Carol registered and filled in her profile
            let world = try await Self.world(h)

            // Then no stored payload holds any of her strings, and her user events hold envelopes
            let payloads = try await Self.storedPayloads(h)
            for original in Self.originals {
                let found = payloads.contains { $0.contains(original) }
                #expect(!found, "'\(original)' is stored in plain text")
            }
            let carolEvents = payloads.filter { $0.contains(world.carol.userID) && $0.contains("enc:v1:") }
            #expect(carolEvents.count == 2, "\(carolEvents)")
            #expect(try await Self.keyCount(h, world.carol.userID, live: true) == 1)

            // And the read table shows them in clear
            let clear: [String?] = [Carol.username, Carol.email, Carol.phone, Carol.nickname, Carol.avatar]
            try await eventually("the users projection shows Carol's profile") {
                let row = try await Self.usersRow(h, world.carol.userID)
                return row == clear
            }
            // And decide compares in clear: the same e-mail and phone again change nothing
            let same = try await h.call(.PATCH, "/v1/me", body: ["email": Carol.email, "phone": Carol.phone], token: world.carol.token)
            let sameEvents = same.json?["events"]?.arrayValue
            #expect(same.status == 200 && sameEvents?.isEmpty == true, "\(same.text)")
            let carolUser = try #require(UserID(world.carol.userID))
            let state = try #require(try await h.commands.load(User.self, id: carolUser).state)
            #expect(state.email == Carol.email)
            #expect(state.username == Carol.username)
            #expect(state.nickname == Carol.nickname)
            // And she signs in with her (encrypted) username
            _ = try await h.signIn(Carol.username, tenantCode: "acme")
        }
    }

    @Test("strings a client types that look like envelopes stay text: the projections keep running and read them back")
    func forgedEnvelopesStayText() async throws {
        try await SyncHarness.with { h in
            let world = try await Self.world(h)
            // Given envelope-shaped strings naming Ana's key: a todo title (not a personal field)
            // and a nickname (a personal field, which the server seals like any other value)
            let forged = "enc:v1:\(world.ana.userID.lowercased()):AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
            let todo = try await h.call(.POST, "/v1/todos", body: ["title": forged], token: world.bob.token)
            #expect(todo.status == 201, "\(todo.text)")
            let todoID = try #require(todo.json?["id"]?.stringValue)
            let shortForged = "enc:v1:\(world.ana.userID.lowercased()):AAAA"  // nicknames are 1-50 characters
            let profile = try await h.call(.PATCH, "/v1/me", body: ["nickname": shortForged], token: world.bob.token)
            #expect(profile.status == 200, "\(profile.text)")
            // Then both projections apply them and read them back as typed
            try await eventually("the todos projection shows the forged title") {
                try await Self.count(h, "SELECT count(*) FROM read.todos WHERE todo_id = '\(todoID)' AND title = '\(forged)'") == 1
            }
            try await eventually("the users projection shows the forged nickname") {
                // No subscript: an empty answer (the row not there yet) must not trap the test process.
                try await Self.usersRow(h, world.bob.userID).dropFirst(3).first == .some(shortForged)
            }
            // And no projection stopped on them, and decide still loads Bob's stream
            #expect(try await Self.count(h, "SELECT count(*) FROM projection_checkpoints WHERE failed_position IS NOT NULL") == 0)
            let bob = try #require(UserID(world.bob.userID))
            #expect(try await h.commands.load(User.self, id: bob).state?.nickname == shortForged)
        }
    }

    @Test("erasure over REST: refusals first, then the read table, her replica, a rebuild and decide show her erased; her todo and order stay")
    func eraseOverREST() async throws {
        try await SyncHarness.with { h in
            let world = try await Self.world(h)
            let carolID = world.carol.userID
            var replica = Replica()
            try await eventually("Carol's replica has her profile") {
                try await world.carol.pullAll(into: &replica)
                return replica.rows(.profile)[carolID]?["email"]?.stringValue == Carol.email
            }

            // When a member, a malformed id, an unknown user: refused with stable codes, nothing written
            let before = try await h.store.readAll(stream: .init("user-\(carolID)")).count
            let member = try await h.call(.POST, "/v1/users/\(carolID)/erase", token: world.bob.token)
            #expect(member.status == 403 && member.code == "forbidden", "\(member.text)")
            let malformed = try await h.call(.POST, "/v1/users/not-a-uuid/erase", token: world.ana.token)
            #expect(malformed.status == 400 && malformed.code == "invalid", "\(malformed.text)")
            let unknown = try await h.call(.POST, "/v1/users/\(UUID().uuidString.lowercased())/erase", token: world.ana.token)
            #expect(unknown.status == 404 && unknown.code == "not_found", "\(unknown.text)")
            #expect(try await h.store.readAll(stream: .init("user-\(carolID)")).count == before)
            #expect(try await Self.keyCount(h, carolID, live: true) == 1)

            // When the administrator erases Carol, twice
            let erased = try await h.call(.POST, "/v1/users/\(carolID)/erase", token: world.ana.token)
            #expect(erased.status == 200 && erased.json?["events"] == .array([.string("UserErased")]), "\(erased.text)")
            let again = try await h.call(.POST, "/v1/users/\(carolID)/erase", token: world.ana.token)
            #expect(again.status == 200 && again.json?["events"] == .array([]), "\(again.text)")

            // Then her key is gone, the read table and her own replica show the marker
            #expect(try await Self.keyCount(h, carolID, live: true) == 0)
            let erasedRow: [String?] = ["[erased]", "[erased]", nil, nil, nil]
            try await eventually("the users projection shows Carol erased") { try await Self.usersRow(h, carolID) == erasedRow }
            try await eventually("Carol's replica receives the erased profile") {
                try await world.carol.pullAll(into: &replica)
                let row = replica.rows(.profile)[carolID]
                return row?["email"]?.stringValue == "[erased]" && row?["username"]?.stringValue == "[erased]"
                    && (row?["phone"] ?? .null) == .null && (row?["nickname"] ?? .null) == .null
            }
            // And a rebuild gives the same row (the key is gone, the log unchanged)
            let rebuilt = try await SyncCLI.run(["projections", "rebuild", "users"], database: h.server.database.url.database)
            #expect(rebuilt.status == 0, "\(rebuilt.error)")
            #expect(try await Self.usersRow(h, carolID) == erasedRow)
            // And decide sees her erased: no profile can be set again, she cannot sign in
            let carolUser = try #require(UserID(carolID))
            let state = try #require(try await h.commands.load(User.self, id: carolUser).state)
            #expect(state.isErased && state.email == "[erased]" && state.phone == nil)
            let update = try await h.call(.PATCH, "/v1/me", body: ["nickname": "Back again"], token: world.carol.token)
            #expect(update.status == 409 && update.code == "conflict", "\(update.text)")
            let credentials = LoginRequest(
                tenantCode: "acme", username: Carol.username, password: "correct horse battery", deviceID: UUID().uuidString)
            let login = try await h.call(.POST, "/v1/auth/login", body: credentials)
            #expect(login.status == 401, "\(login.text)")
            // And her todo and order keep their structure and amounts
            try await eventually("her todo and order stay") {
                let todos = try await Self.count(h, "SELECT count(*) FROM read.todos WHERE todo_id = '\(world.todo)' AND title = 'Buy paint'")
                let orders = try await Self.count(h, "SELECT count(*) FROM read.orders WHERE order_id = '\(world.order)' AND total_minor = 3750")
                return todos == 1 && orders == 1
            }
        }
    }

    @Test("synccli users erase: the export holds none of her strings, the sealed log still verifies; refusals are clear")
    func eraseWithCLI() async throws {
        try await SyncHarness.with { h in
            let world = try await Self.world(h)
            let database = h.server.database.url.database
            let carolID = world.carol.userID
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("erase-\(UUID().uuidString).ndjson.gz").path
            try await withCleanUp {
                // Given a sealed log
                let sealed = try await SyncCLI.run(["events", "seal"], database: database)
                #expect(sealed.status == 0, "\(sealed.error)")

                // When the operator makes mistakes: a malformed id, no --yes, an unknown user
                let malformed = try await SyncCLI.run(["users", "erase", "carol", "--yes"], database: database)
                #expect(malformed.status == 64 && malformed.error.contains("USER_ID must be a UUID"), "\(malformed.error)")
                let unconfirmed = try await SyncCLI.run(["users", "erase", carolID], database: database)
                #expect(unconfirmed.status == 64 && unconfirmed.error.contains("--yes"), "\(unconfirmed.error)")
                let unknown = try await SyncCLI.run(["users", "erase", UUID().uuidString, "--yes"], database: database)
                #expect(unknown.status == 1 && unknown.error.contains("not_found"), "\(unknown.error)")

                // When the operator erases Carol, twice
                let erased = try await SyncCLI.run(["users", "erase", carolID, "--yes", "--json"], database: database)
                #expect(erased.status == 0 && erased.output.contains("\"already_erased\":false"), "\(erased.output) \(erased.error)")
                let again = try await SyncCLI.run(["users", "erase", carolID, "--yes"], database: database)
                #expect(again.status == 0 && again.output.contains("already erased"), "\(again.output) \(again.error)")

                // Then (once the erasure is below the log's gap-free horizon, as the projection shows)
                try await eventually("the users projection shows Carol erased") {
                    try await Self.usersRow(h, carolID) == ["[erased]", "[erased]", nil, nil, nil]
                }
                // the exported bytes hold none of her strings, but her todo, order and the audit trail
                let exported = try await SyncCLI.run(["events", "export", "--output", file, "--compression", "gzip"], database: database)
                #expect(exported.status == 0, "\(exported.error)")
                let unzipped = try await ChildProcess.run(URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", "zcat '\(file)'"])
                #expect(unzipped.status == 0 && unzipped.output.count > 1000, "\(unzipped.error)")
                for original in Self.originals {
                    #expect(!unzipped.output.contains(original), "'\(original)' is in the export")
                }
                for kept in ["UserErased", "Buy paint", world.todo, world.order, "unitPriceMinor", "UserRegistered", "UserProfileUpdated"] {
                    #expect(unzipped.output.contains(kept), "'\(kept)' is missing from the export")
                }
                // And the log was not rewritten: the seal still verifies
                let verified = try await SyncCLI.run(["events", "verify"], database: database)
                #expect(verified.status == 0, "\(verified.output) \(verified.error)")
            } cleanUp: {
                try? FileManager.default.removeItem(atPath: file)
            }
        }
    }

    /// Carol's rows of `personal_data_keys` (with a live key when `live`).
    static func keyCount(_ h: SyncHarness, _ id: String, live: Bool) async throws -> Int {
        let user = try #require(UUID(uuidString: id))
        let rows = try await h.store.client.query(
            "SELECT count(*)::int FROM personal_data_keys WHERE user_id = \(user) AND (data_key IS NOT NULL) = \(live)", logger: h.logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    /// The first column of a `count(*)` over fixed test SQL.
    static func count(_ h: SyncHarness, _ sql: String) async throws -> Int {
        let rows = try await h.store.client.query(PostgresQuery(unsafeSQL: sql), logger: h.logger)
        for try await count in rows.decode(Int64.self) { return Int(count) }
        return 0
    }
}

/// The body of `POST /v1/orders`.
private struct OrderBody: Encodable {
    struct Item: Encodable {
        var sku: String
        var name: String
        var quantity: Int
        var unitPriceMinor: Int

        enum CodingKeys: String, CodingKey { case sku, name, quantity, unitPriceMinor = "unit_price_minor" }
    }

    var currency: String
    var items: [Item]
}
