import Domain
import EventStore
import Foundation
import SyncProtocol
import Testing
import TidemarkTestSupport

@Suite("Sync state per tenant, user and device")
struct DeviceIsolationTests {
    static func todo(_ title: String) -> JSONValue {
        .object(["todo_id": .string(UUID().uuidString.lowercased()), "title": .string(title)])
    }

    @Test("a user who signs in with the victim's device id cannot read its answers, wedge its sequence or end its session")
    func foreignDeviceID() async throws {
        try await SyncHarness.with { h in
            // Given a victim in tenant acme whose device pushed one mutation.
            _ = try await h.createTenant(code: "acme")
            _ = try await h.createTenant(code: "evil")
            let victimSignUp = try await h.signUp("vic", tenantCode: "acme")
            let device = victimSignUp.tokens.deviceID
            let victim = try await h.signIn("vic", tenantCode: "acme", device: device)
            let secret = Mutation(id: "victim-1", seq: 1, name: "todo.create", args: Self.todo("the victim's todo"))
            let answered = try await victim.push(raw: [secret])
            #expect(answered.results.first?.status == .applied && answered.results.first?.positions.isEmpty == false)

            // When an attacker of another tenant, and a colleague of the same tenant, sign in with
            // the victim's device id and replay its mutation id, then push the highest sequence number.
            for (tenant, name) in [("evil", "eve"), ("acme", "col")] {
                _ = try await h.signUp(name, tenantCode: tenant)
                let attacker = try await h.signIn(name, tenantCode: tenant, device: device)
                let replay = try await attacker.push(raw: [Mutation(id: "victim-1", seq: 1, name: "todo.create", args: Self.todo("mine"))])
                // (a) The replay is the attacker's own new mutation, not the victim's stored answer.
                let result = try #require(replay.results.first)
                #expect(result.positions != answered.results.first?.positions, "\(name) read the victim's answer")
                #expect(replay.lastSeq == 1)
                // (b) A huge seq is refused and does not move anybody's sequence.
                let wedge = try await h.call(
                    .POST, "/v1/sync/push",
                    body: SyncPushRequest(mutations: [
                        Mutation(id: "wedge", seq: Int64.max, name: "todo.create", args: Self.todo("wedge"))
                    ]), token: attacker.token)
                #expect(wedge.status == 400 && wedge.code == "invalid", "\(wedge.text)")
                let jump = try await attacker.push(raw: [Mutation(id: "jump", seq: 9_007_199_254_740_991, name: "todo.create", args: Self.todo("jump"))])
                #expect(jump.results.first?.code == "seq_gap")
                // Its pulls report its own mutations only.
                var replica = Replica()
                try await attacker.pullAll(into: &replica)
                #expect(replica.rows(.todos).values.allSatisfy { $0["title"]?.stringValue != "the victim's todo" })
            }

            // Then (c) the victim's session still works and its next push is applied in order.
            let next = try await victim.push(raw: [Mutation(id: "victim-2", seq: 2, name: "todo.create", args: Self.todo("second"))])
            #expect(next.results.first?.status == .applied, "\(next.results)")
            #expect(next.lastSeq == 2)
            #expect(try await victim.push(raw: [secret]).results == answered.results)
            var replica = Replica()
            try await eventually("the victim's pull includes both of its mutations") {
                try await victim.pullAll(into: &replica)
                return replica.includedSeq == 2
            }
        }
    }

    @Test("a sequence number far above the device's last answered one is rejected seq_gap and does not wedge the device")
    func seqGap() async throws {
        try await SyncHarness.with { h in
            // Given a device that pushed seq 1.
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            _ = try await ana.push(raw: [Mutation(id: "a1", seq: 1, name: "todo.create", args: Self.todo("one"))])

            // When it pushes a seq more than 1,000,000 above it, then the next one in order.
            let far = try await ana.push(raw: [
                Mutation(id: "a2", seq: 1_000_002, name: "todo.create", args: Self.todo("far")),
                Mutation(id: "a3", seq: 1_000_003, name: "todo.create", args: Self.todo("farther")),
            ])
            let near = try await ana.push(raw: [Mutation(id: "a4", seq: 1_000_001, name: "todo.create", args: Self.todo("near"))])

            // Then the far ones are rejected seq_gap, not recorded, and the device goes on.
            #expect(far.results.map(\.code) == ["seq_gap", "seq_gap"])
            #expect(far.lastSeq == 1)
            #expect(near.results.first?.status == .applied)
            #expect(near.lastSeq == 1_000_001)
            // Beyond 2^53 - 1, the batch is malformed.
            let huge = try await h.call(
                .POST, "/v1/sync/push",
                body: SyncPushRequest(mutations: [
                    Mutation(id: "a5", seq: 9_007_199_254_740_992, name: "todo.create", args: Self.todo("huge"))
                ]), token: ana.token)
            #expect(huge.status == 400 && huge.code == "invalid")
            // A seq_gap answer is not stored: the same id, once in range, is decided again.
            let again = try await ana.push(raw: [Mutation(id: "a2", seq: 1_000_002, name: "todo.create", args: Self.todo("far"))])
            #expect(again.results.first?.status == .applied)
        }
    }
}
