import Commands
import Domain
import EventStore
import Foundation
import PostgresNIO
import SyncClient
import SyncProtocol
import Testing
import TidemarkTestSupport

/// Free text a user marks as personal data (issue 19 item 3): a todo created with
/// `personal_data: true` has its title and description sealed with the owner's key, and they are
/// erased with the owner's personal data, in the read table, a rebuild, the replicas and exports.
/// Real PostgreSQL, a real server over HTTP, a real SyncClient on SQLite, `synccli` as an operator.
@Suite("Todos marked as personal data", .timeLimit(.minutes(5)))
struct PersonalTodoTests {
    /// Texts Carol marks personal: none of them may be stored in plain text.
    enum Secret {
        static let title = "Call Dr. Moreau about the biopsy"
        static let description = "Results due Friday; ask about a second opinion"
        static let renamed = "Call Dr. Moreau again"
        static let offline = "Pick up the prescription at Apotheke Bahnhof"
        /// A nickname pushed by the replica: a user field, sealed on the push path too.
        static let nickname = "Carol on the phone"
    }

    static var secrets: [String] { [Secret.title, Secret.description, Secret.renamed, Secret.offline, Secret.nickname] }

    /// A todo's title, description and mark in `read.todos`.
    static func todoRow(_ h: SyncHarness, _ id: String) async throws -> TodoText? {
        let rows = try await h.store.client.query(
            "SELECT title, description, personal_data FROM read.todos WHERE todo_id = \(try #require(UUID(uuidString: id)))",
            logger: h.logger)
        for try await (title, description, personal) in rows.decode((String, String, Bool).self) {
            return TodoText(title: title, description: description, personal: personal)
        }
        return nil
    }

    /// What a todo row shows of its texts.
    struct TodoText: Equatable, Sendable {
        var title: String
        var description: String
        var personal: Bool
    }

    @Test("the mark is validated: not a boolean, or changed by an edit, is refused and writes nothing")
    func refusals() async throws {
        try await SyncHarness.with { h in
            let world = try await ErasureTests.world(h)
            let before = try await ErasureTests.storedPayloads(h).count
            let notBool = try await h.call(
                .POST, "/v1/todos", body: ["title": JSONValue.string("x"), "personal_data": .string("yes")], token: world.carol.token)
            #expect(notBool.status == 400 && notBool.code == "invalid" && notBool.text.contains("personal_data"), "\(notBool.text)")
            let edit = try await h.call(.PATCH, "/v1/todos/\(world.todo)", body: ["personal_data": true], token: world.carol.token)
            #expect(edit.status == 400 && edit.code == "invalid" && edit.text.contains("when it is created"), "\(edit.text)")
            #expect(try await ErasureTests.storedPayloads(h).count == before)
        }
    }

    @Test("a personal todo is sealed in the log, clear in the read table and the replica; erasure reaches all three and the export")
    func sealedThenErased() async throws {
        try await SyncHarness.with { h in
            let world = try await ErasureTests.world(h)
            let database = h.server.database.url.database
            // Given Carol's personal todo, created over REST and renamed
            let created = try await h.call(
                .POST, "/v1/todos",
                body: ["title": JSONValue.string(Secret.title), "description": .string(Secret.description), "personal_data": .bool(true)],
                token: world.carol.token)
            try #require(created.status == 201, "\(created.text)")
            let secretID = try #require(created.json?["id"]?.stringValue)
            let renamed = try await h.call(.PATCH, "/v1/todos/\(secretID)", body: ["title": Secret.renamed], token: world.carol.token)
            #expect(renamed.status == 200, "\(renamed.text)")
            // And one made offline on her phone (a real SyncClient replica), with no description, and
            // a nickname (both pushed through the sync push's batch path)
            let phone = try await Device.make(h)
            defer { Task { await phone.remove() } }
            try await phone.client.login(tenantCode: "acme", username: ErasureTests.Carol.username, password: "correct horse battery")
            let queued = try await phone.client.mutate(
                .todoCreate,
                args: .object(["todo_id": .string(UUID().uuidString.lowercased()), "title": .string(Secret.offline), "personal_data": .bool(true)]))
            let offlineID = try #require(queued.args["todo_id"]?.stringValue)
            _ = try await phone.client.mutate(.profileUpdate, args: .object(["nickname": .string(Secret.nickname)]))
            #expect(try await phone.client.row(.todos, key: offlineID)?["personal_data"] == .bool(true))
            try await phone.settle()

            // Then no stored payload holds the personal texts, while her other todo's title is plain
            let payloads = try await ErasureTests.storedPayloads(h)
            for secret in Self.secrets {
                let found = payloads.contains { $0.contains(secret) }
                #expect(!found, "'\(secret)' is stored in plain text")
            }
            #expect(payloads.contains { $0.contains("Buy paint") })
            // And the read table, decide and the replica see them in clear
            try await eventually("the todos projection shows the personal todos") {
                let secret = try await Self.todoRow(h, secretID)
                let offline = try await Self.todoRow(h, offlineID)
                return secret == TodoText(title: Secret.renamed, description: Secret.description, personal: true)
                    && offline == TodoText(title: Secret.offline, description: "", personal: true)
            }
            let secretTodo = try #require(TodoID(secretID))
            let state = try #require(try await h.commands.load(Todo.self, id: secretTodo).state)
            #expect(state.title == Secret.renamed && state.containsPersonalData)
            try await phone.settle()
            let synced = try await phone.client.row(.todos, key: secretID)
            #expect(synced?["title"]?.stringValue == Secret.renamed && synced?["personal_data"] == .bool(true), "\(String(describing: synced))")
            #expect(try await phone.client.row(.todos, key: world.todo)?["personal_data"] == .bool(false))

            // When the administrator erases Carol
            let erased = try await h.call(.POST, "/v1/users/\(world.carol.userID)/erase", token: world.ana.token)
            #expect(erased.status == 200, "\(erased.text)")

            // Then the personal todos read as erased (an empty description stays empty), the other stays
            let erasedSecret = TodoText(title: "[erased]", description: "[erased]", personal: true)
            let erasedOffline = TodoText(title: "[erased]", description: "", personal: true)
            try await eventually("the todos projection erases the personal todos") {
                let secret = try await Self.todoRow(h, secretID)
                let offline = try await Self.todoRow(h, offlineID)
                return secret == erasedSecret && offline == erasedOffline
            }
            #expect(try await Self.todoRow(h, world.todo) == TodoText(title: "Buy paint", description: "", personal: false))
            // And her replica receives the change (it holds her session, issued before the erasure)
            try await eventually("her replica receives the erased todos") {
                _ = try await phone.client.sync()
                let secret = try await phone.client.row(.todos, key: secretID)?["title"]?.stringValue
                let offline = try await phone.client.row(.todos, key: offlineID)?["title"]?.stringValue
                return secret == "[erased]" && offline == "[erased]"
            }
            #expect(try await phone.client.row(.todos, key: world.todo)?["title"]?.stringValue == "Buy paint")
            // And a push (her session still open) that renames the erased todo and completes the other:
            // the batch cannot seal the title, so it runs one by one; only the rename is refused
            let pushed = try await world.carol.push([
                ("todo.edit", .object(["todo_id": .string(secretID), "title": .string("Again")])),
                ("todo.complete", .object(["todo_id": .string(world.todo)])),
            ])
            #expect(pushed.results.map(\.status) == [.rejected, .applied], "\(pushed.results)")
            #expect(pushed.results.first?.code == "conflict", "\(pushed.results)")
            // And decide sees them erased; a rebuild gives the same rows
            #expect(try await h.commands.load(Todo.self, id: secretTodo).state?.title == "[erased]")
            let rebuilt = try await SyncCLI.run(["projections", "rebuild", "todos"], database: database)
            #expect(rebuilt.status == 0, "\(rebuilt.error)")
            #expect(try await Self.todoRow(h, secretID) == erasedSecret)
            #expect(try await Self.todoRow(h, offlineID) == erasedOffline)
            #expect(try await Self.todoRow(h, world.todo) == TodoText(title: "Buy paint", description: "", personal: false))
            // And no text of hers can be sealed again: her key is gone
            let system = CommandEnvelope(principal: .system(tenantID: state.tenantID))
            await #expect(throws: CommandError.self) {
                try await h.commands.execute(Todo.self, id: secretTodo, command: .changeTitle(secretTodo, "Again"), envelope: system)
            }

            // And the export holds none of the personal texts, but the todos and their other text
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("personal-\(UUID().uuidString).ndjson.gz").path
            defer { try? FileManager.default.removeItem(atPath: file) }
            let exported = try await SyncCLI.run(["events", "export", "--output", file, "--compression", "gzip"], database: database)
            #expect(exported.status == 0, "\(exported.error)")
            let unzipped = try await ChildProcess.run(URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", "zcat '\(file)'"])
            #expect(unzipped.status == 0 && unzipped.output.count > 1000, "\(unzipped.error)")
            for secret in Self.secrets {
                #expect(!unzipped.output.contains(secret), "'\(secret)' is in the export")
            }
            for kept in ["Buy paint", secretID, offlineID, "TodoTitleChanged", "personalDataOwnerID"] {
                #expect(unzipped.output.contains(kept), "'\(kept)' is missing from the export")
            }
        }
    }
}
