import Domain
import EventStore
import Foundation
import PostgresNIO
import SyncProtocol
import SyncServer
import Testing
import TidemarkTestSupport

/// The device registry over the REST API: the per-user cap and registration as an upsert.
@Suite("Device registry over REST", .timeLimit(.minutes(3)))
struct DeviceRegistryTests {
    static func register(_ session: Session, _ h: SyncHarness, id: String = UUID().uuidString.lowercased(), token: String) async throws -> HTTPAnswer {
        try await h.call(
            .POST, "/v1/devices",
            body: JSONValue.object([
                "device_id": .string(id), "platform": .string("ios"), "provider": .string("apns"),
                "push_token": .string(token), "app_id": .string("com.example.app"),
            ]), token: session.token)
    }

    static func activeDevices(_ h: SyncHarness, user: String) async throws -> Int {
        let rows = try await h.store.client.query(
            "SELECT count(*)::int8 FROM read.devices WHERE user_id = \(user)::uuid AND status = 'active'", logger: h.logger)
        for try await count in rows.decode(Int64.self) { return Int(count) }
        return 0
    }

    @Test("a user may have at most the configured number of active devices; re-registering one of them is not a new device")
    func cap() async throws {
        try await SyncHarness.with(configure: { $0.maxDevicesPerUser = 2 }) { h in
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            let first = UUID().uuidString.lowercased()
            #expect(try await Self.register(ana, h, id: first, token: "aa01").status == 201)
            #expect(try await Self.register(ana, h, token: "aa02").status == 201)
            try await eventually("the registry counts both") { try await Self.activeDevices(h, user: ana.userID) == 2 }
            let third = try await Self.register(ana, h, token: "aa03")
            #expect(third.status == 409 && third.code == "limit_exceeded", "\(third.text)")
            #expect(third.text.contains("at most 2 devices"))
            // The same device again is an idempotent upsert, not a third device.
            #expect(try await Self.register(ana, h, id: first, token: "aa01").status == 201)
            // After unregistering one, there is room again.
            #expect(try await h.call(.DELETE, "/v1/devices/\(first)", token: ana.token).status == 200)
            try await eventually("the registry counts one") { try await Self.activeDevices(h, user: ana.userID) == 1 }
            #expect(try await Self.register(ana, h, token: "aa03").status == 201)
        }
    }

    @Test("the same token registered by another user's device disables the first device in the registry")
    func tokenTakeover() async throws {
        try await SyncHarness.with { h in
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            let bob = try await h.signUp("bob", tenantCode: "acme")
            let anas = UUID().uuidString.lowercased()
            #expect(try await Self.register(ana, h, id: anas, token: "cafe01").status == 201)
            #expect(try await Self.register(bob, h, token: "cafe01").status == 201)
            try await eventually("ana's device is disabled") {
                let rows = try await h.store.client.query(
                    "SELECT status, coalesce(invalid_reason, '') FROM read.devices WHERE device_id = \(anas)::uuid", logger: h.logger)
                for try await (status, reason) in rows.decode((String, String).self) {
                    return status == "disabled" && reason.hasPrefix("the token was registered again by device")
                }
                return false
            }
            #expect(try await Self.activeDevices(h, user: bob.userID) == 1)
        }
    }
}
