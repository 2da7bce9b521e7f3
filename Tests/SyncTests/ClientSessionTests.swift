import Foundation
import SyncClient
import SyncProtocol
import SyncServer
import Testing
import TidemarkTestSupport

/// How a real replica reacts when the server changes under it.
@Suite("Replica sessions across server changes")
struct ClientSessionTests {
    func signedInDevice(_ h: SyncHarness) async throws -> (Device, String) {
        _ = try await h.createTenant(code: "acme")
        _ = try await h.signUp("ana", tenantCode: "acme")
        let device = try await Device.make(h)
        try await device.client.login(tenantCode: "acme", username: "ana", password: "correct horse battery")
        let todo = UUID().uuidString.lowercased()
        try await device.client.mutate(.todoCreate, args: .object(["todo_id": .string(todo), "title": .string("before")]))
        try await device.settle()
        return (device, todo)
    }

    @Test("after the server's signing key changes, the client refreshes once and carries on (no sign-in needed)")
    func signingKeyRotation() async throws {
        try await SyncHarness.with { h in
            let (device, todo) = try await signedInDevice(h)
            try await h.server.stop()
            let rotated = TestServer(database: h.server.database, logger: h.logger, secret: "a-completely-different-secret-0123456789", port: h.server.port)
            try await rotated.start()
            try await device.client.mutate(.todoEdit, args: .object(["todo_id": .string(todo), "title": .string("after the rotation")]))
            try await device.settle()
            #expect(await device.client.state == .idle)
            #expect(try await device.client.row(.todos, key: todo)?["title"]?.stringValue == "after the rotation")
            try await rotated.stop()
            await device.remove()
        }
    }

    @Test("a server that needs a newer protocol puts the client in upgradeRequired and keeps its pending work")
    func upgradeRequired() async throws {
        try await SyncHarness.with { h in
            let (device, todo) = try await signedInDevice(h)
            try await h.server.stop()
            let newer = TestServer(database: h.server.database, logger: h.logger, port: h.server.port) { configuration in
                configuration.minimumProtocolVersion = ProtocolVersion(ProtocolVersion.current.rawValue + 1)
            }
            try await newer.start()
            try await device.client.mutate(.todoEdit, args: .object(["todo_id": .string(todo), "title": .string("written by an old app")]))
            await #expect(throws: SyncClientError.self) { try await device.client.sync() }
            #expect(await device.client.state == .upgradeRequired)
            await #expect(throws: SyncClientError.self) { try await device.client.sync() }
            #expect(try await device.client.queuedMutations().count == 1)
            #expect(try await device.client.row(.todos, key: todo)?["title"]?.stringValue == "written by an old app")
            try await newer.stop()
            await device.remove()
        }
    }
}
