import Domain
import EventStore
import Foundation
import PostgresNIO
import SyncClient
import SyncProtocol
import Testing
import TidemarkTestSupport

/// Real `SyncClient` replicas (SQLite files) against the real server over loopback HTTP.
@Suite("Replicas converge")
struct ClientConvergenceTests {
    /// Two devices of Ana, both holding one todo, then offline.
    func twoDevices(_ h: SyncHarness) async throws -> (Device, Device, String) {
        _ = try await h.createTenant(code: "acme")
        _ = try await h.signUp("ana", tenantCode: "acme")
        let phone = try await Device.make(h)
        let laptop = try await Device.make(h)
        try await phone.client.login(tenantCode: "acme", username: "ana", password: "correct horse battery", deviceName: "phone")
        try await laptop.client.login(tenantCode: "acme", username: "ana", password: "correct horse battery", deviceName: "laptop")
        let todo = UUID().uuidString.lowercased()
        try await phone.client.mutate(.todoCreate, args: .object(["todo_id": .string(todo), "title": .string("Plan"), "description": .string("v1")]))
        try await phone.settle()
        try await laptop.settle()
        #expect(try await laptop.client.row(.todos, key: todo)?["title"]?.stringValue == "Plan")
        return (phone, laptop, todo)
    }

    @Test("offline edits to different fields on two devices both survive on both")
    func differentFields() async throws {
        try await SyncHarness.with { h in
            let (phone, laptop, todo) = try await twoDevices(h)
            try await phone.client.mutate(.todoEdit, args: .object(["todo_id": .string(todo), "title": .string("Plan trip")]))
            try await laptop.client.mutate(.todoEdit, args: .object(["todo_id": .string(todo), "description": .string("Lisbon")]))
            // Optimistic: each device shows its own edit at once.
            #expect(try await phone.client.row(.todos, key: todo)?["title"]?.stringValue == "Plan trip")
            #expect(try await laptop.client.row(.todos, key: todo)?["description"]?.stringValue == "Lisbon")
            try await phone.settle()
            try await laptop.settle()
            try await phone.settle()
            for device in [phone, laptop] {
                let row = try await device.client.row(.todos, key: todo)
                #expect(row?["title"]?.stringValue == "Plan trip")
                #expect(row?["description"]?.stringValue == "Lisbon")
            }
            await phone.remove()
            await laptop.remove()
        }
    }

    @Test("offline edits to the same field converge to the one the server ordered last")
    func sameField() async throws {
        try await SyncHarness.with { h in
            let (phone, laptop, todo) = try await twoDevices(h)
            try await phone.client.mutate(.todoEdit, args: .object(["todo_id": .string(todo), "title": .string("phone's")]))
            try await laptop.client.mutate(.todoEdit, args: .object(["todo_id": .string(todo), "title": .string("laptop's")]))
            try await phone.settle()
            try await laptop.settle()
            try await phone.settle()
            #expect(try await phone.client.row(.todos, key: todo)?["title"]?.stringValue == "laptop's")
            #expect(try await laptop.client.row(.todos, key: todo)?["title"]?.stringValue == "laptop's")
            await phone.remove()
            await laptop.remove()
        }
    }

    @Test("delete on one device and edit on the other: the edit is rejected, rolled back and kept in rejections")
    func deleteVersusEdit() async throws {
        try await SyncHarness.with { h in
            let (phone, laptop, todo) = try await twoDevices(h)
            try await phone.client.mutate(.todoDelete, args: .object(["todo_id": .string(todo)]))
            try await laptop.client.mutate(.todoEdit, args: .object(["todo_id": .string(todo), "title": .string("still wanted")]))
            #expect(try await phone.client.row(.todos, key: todo) == nil)
            #expect(try await laptop.client.row(.todos, key: todo)?["title"]?.stringValue == "still wanted")
            try await phone.settle()
            try await laptop.settle()
            #expect(try await laptop.client.row(.todos, key: todo) == nil)
            let stored = try await laptop.client.rejections()
            #expect(stored.map(\.code) == ["deleted"])
            #expect(stored.first?.name == .todoEdit)
            #expect(laptop.rejections.value.map(\.code) == ["deleted"])
            #expect(try await laptop.client.queuedMutations().isEmpty)
            await phone.remove()
            await laptop.remove()
        }
    }

    @Test("a revoked session puts the client in reauthRequired, keeps pending work, and resumes after a new login")
    func revokedSession() async throws {
        try await SyncHarness.with { h in
            let (phone, laptop, todo) = try await twoDevices(h)
            try await laptop.client.mutate(.todoEdit, args: .object(["todo_id": .string(todo), "title": .string("written while revoked")]))
            let sessions = try await h.call(.GET, "/v1/auth/sessions", token: try await h.signIn("ana", tenantCode: "acme").token)
            let laptopSession = sessions.json?["sessions"]?.arrayValue?.first { $0["device_name"]?.stringValue == "laptop" }?["session_id"]?.stringValue
            let admin = try await h.signIn("ana", tenantCode: "acme")
            #expect(try await h.call(.DELETE, "/v1/auth/sessions/\(laptopSession ?? "none")", token: admin.token).status == 204)
            await #expect(throws: SyncClientError.self) { try await laptop.client.sync() }
            #expect(await laptop.client.state == .reauthRequired)
            await #expect(throws: SyncClientError.self) { try await laptop.client.sync() }
            #expect(try await laptop.client.queuedMutations().count == 1)
            #expect(try await laptop.client.row(.todos, key: todo)?["title"]?.stringValue == "written while revoked")
            try await laptop.client.login(tenantCode: "acme", username: "ana", password: "correct horse battery", deviceName: "laptop")
            try await laptop.settle()
            try await phone.settle()
            #expect(try await phone.client.row(.todos, key: todo)?["title"]?.stringValue == "written while revoked")
            await phone.remove()
            await laptop.remove()
        }
    }

    @Test("50 devices doing random offline work converge to exactly the server's read models")
    func fiftyDevices() async throws {
        try await SyncHarness.with { h in
            let tenant = try await h.createTenant(code: "acme")
            let users = 25
            var devices: [(user: String, device: Device)] = []
            for index in 0..<users {
                let session = try await h.signUp("user\(index)", tenantCode: "acme")
                for _ in 0..<2 {
                    let device = try await Device.make(h)
                    try await device.client.login(tenantCode: "acme", username: "user\(index)", password: "correct horse battery")
                    devices.append((session.userID, device))
                }
            }
            var random = SystemRandomNumberGenerator()
            for _ in 0..<3 {
                // Offline work on every device, then the devices sync in a random order, concurrently.
                for (_, device) in devices {
                    for _ in 0..<Int.random(in: 2...5, using: &random) {
                        let known = try await device.client.rows(.todos).compactMap { $0["todo_id"]?.stringValue }
                        let target = known.randomElement(using: &random)
                        switch (Int.random(in: 0..<6, using: &random), target) {
                        case (0, _), (_, nil):
                            try await device.client.mutate(
                                .todoCreate,
                                args: .object([
                                    "todo_id": .string(UUID().uuidString.lowercased()), "title": .string("t\(Int.random(in: 0..<1000, using: &random))"),
                                ]))
                        case (1, let id?), (2, let id?):
                            try await device.client.mutate(
                                .todoEdit, args: .object(["todo_id": .string(id), "title": .string("e\(Int.random(in: 0..<1000, using: &random))")]))
                        case (3, let id?):
                            try await device.client.mutate(
                                .todoEdit,
                                args: .object(["todo_id": .string(id), "priority": .string(["high", "low", "medium"].randomElement(using: &random) ?? "low")]))
                        case (4, let id?):
                            _ = try? await device.client.mutate(.todoComplete, args: .object(["todo_id": .string(id)]))
                        case (_, let id?):
                            try await device.client.mutate(.todoDelete, args: .object(["todo_id": .string(id)]))
                        }
                    }
                }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (_, device) in devices.shuffled(using: &random) {
                        group.addTask { _ = try await device.client.sync() }
                    }
                    try await group.waitForAll()
                }
            }
            for (_, device) in devices { try await device.settle(timeout: .seconds(120)) }
            // A device that settled while the projections had not yet applied the other device of
            // its user's last mutations has not pulled them: after this first pass every mutation
            // is in the read models, and one more whole pass that pulls nothing proves every
            // replica current.
            try await eventually("a whole pass of syncs pulls nothing", timeout: .seconds(120)) {
                var pulled = 0
                for (_, device) in devices { pulled += try await device.client.sync().pulled }
                return pulled == 0
            }
            // Every replica equals the server's read model of its user, field by field.
            for (user, device) in devices {
                let rows = try await h.store.client.query(
                    """
                    SELECT todo_id::text, title, priority, status FROM read.todos
                    WHERE tenant_id = \(tenant.rawValue) AND owner_id = \(UUID(uuidString: user)) AND NOT deleted
                    """,
                    logger: h.logger
                )
                var server: [String: String] = [:]
                for try await (id, title, priority, status) in rows.decode((String, String, String, String).self) {
                    server[id] = "\(title)|\(priority)|\(status)"
                }
                var replica: [String: String] = [:]
                for row in try await device.client.rows(.todos) {
                    let id = row["todo_id"]?.stringValue ?? "?"
                    replica[id] = "\(row["title"]?.stringValue ?? "")|\(row["priority"]?.stringValue ?? "")|\(row["status"]?.stringValue ?? "")"
                }
                #expect(replica == server, "device of \(user)")
                #expect(try await device.client.queuedMutations().isEmpty)
            }
            #expect(devices.count == 50)
            for (_, device) in devices { await device.remove() }
        }
    }
}
