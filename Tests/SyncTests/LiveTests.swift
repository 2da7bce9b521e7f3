import Domain
import Foundation
import SyncProtocol
import SyncServer
import Testing
import TidemarkTestSupport

@Suite("Live pokes over a real WebSocket")
struct LiveTests {
    @Test("a change by one device pokes the user's other device, not another user's; an unauthenticated socket is refused")
    func pokesReachTheRightDevices() async throws {
        try await SyncHarness.with { h in
            _ = try await h.createTenant(code: "acme")
            let phone = try await h.signUp("ana", tenantCode: "acme")
            let laptop = try await h.signIn("ana", tenantCode: "acme")
            let bob = try await h.signUp("bob", tenantCode: "acme")
            let laptopLive = LiveListener()
            let bobLive = LiveListener()
            laptopLive.connect(baseURL: h.server.baseURL, token: laptop.token, logger: h.logger)
            bobLive.connect(baseURL: h.server.baseURL, token: bob.token, logger: h.logger)
            try await eventually("both sockets are greeted") { laptopLive.hellos.value == 1 && bobLive.hellos.value == 1 }
            // Let the projections finish the sign-ups (each user's own profile pokes them).
            for session in [laptop, bob] {
                try await eventually("the profile is projected") {
                    var replica = Replica()
                    try await session.pullAll(into: &replica)
                    return replica.rows(.profile).count == 1
                }
            }
            try await Task.sleep(for: .milliseconds(300))
            let before = (laptopLive.pokes.value, bobLive.pokes.value)
            let todo = UUID().uuidString.lowercased()
            _ = try await phone.push([("todo.create", .object(["todo_id": .string(todo), "title": .string("from the phone")]))])
            try await eventually("the laptop is poked") { laptopLive.pokes.value > before.0 }
            var replica = Replica()
            try await laptop.pullAll(into: &replica)
            #expect(replica.rows(.todos)[todo] != nil)
            // Bob's socket heard nothing about Ana's todo (give a stray poke time to arrive).
            try await Task.sleep(for: .milliseconds(300))
            #expect(bobLive.pokes.value == before.1)

            let anonymous = LiveListener()
            anonymous.connect(baseURL: h.server.baseURL, token: "not-a-token", logger: h.logger)
            try await eventually("the unauthenticated socket fails") { anonymous.failure.value != nil }
            #expect(anonymous.hellos.value == 0)
            await laptopLive.close()
            await bobLive.close()
            await anonymous.close()
        }
    }

    @Test("a change written through one server instance pokes a device connected to another")
    func pokesCrossInstances() async throws {
        try await SyncHarness.with { h in
            _ = try await h.createTenant(code: "acme")
            let phone = try await h.signUp("ana", tenantCode: "acme")
            let laptop = try await h.signIn("ana", tenantCode: "acme")
            let second = TestServer(database: h.server.database, logger: h.logger)
            try await second.start()
            let live = LiveListener()
            live.connect(baseURL: second.baseURL, token: laptop.token, logger: h.logger)
            try await eventually("the socket on the second instance is greeted") {
                if let failure = live.failure.value { throw TestFailure("the socket failed: \(failure)") }
                return live.hellos.value == 1
            }
            let before = live.pokes.value
            _ = try await phone.push([("todo.create", .object(["todo_id": .string(UUID().uuidString), "title": .string("via instance one")]))])
            try await eventually("the device on instance two is poked") { live.pokes.value > before }
            await live.close()
            try await second.stop()
        }
    }
}
