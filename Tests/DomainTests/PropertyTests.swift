import Foundation
import Testing
import TidemarkTestSupport

@testable import Domain

/// Drives `steps` random commands against one aggregate, starting over with a fresh instance every
/// `episode` steps so that absorbing states (deleted, cancelled, archived) do not end the exploration.
/// After every step it checks that each event round-trips (via `run`) and the aggregate's invariants
/// (given the state before and after); at the end of each episode, that replaying the encoded log
/// rebuilds the state exactly.
func explore<A: Aggregate>(
    _ aggregate: A.Type, seed: UInt64, steps: Int = 3000, episode: Int = 40,
    command: (inout SplitMix64, A.State) -> (A.Command, Principal),
    invariant: (_ before: A.State, _ after: A.State, _ events: [A.Event]) -> Void
) throws {
    var random = SplitMix64(seed: seed)
    var state = A.initialState
    var log: [(String, Int, Data)] = []
    var accepted = 0
    var refused = 0
    func checkReplay() throws {
        let replayed = A.fold(try log.map { try A.Event.decode(eventType: $0.0, schemaVersion: $0.1, data: $0.2) })
        #expect(replayed == state, "replaying the encoded log must rebuild the state")
    }
    for step in 0..<steps {
        if step % episode == 0 {
            try checkReplay()
            state = A.initialState
            log = []
        }
        let (next, principal) = command(&random, state)
        do {
            let events = try run(A.self, state, next, as: principal, at: Fixture.at(Double(step) * 61.0137))
            let before = state
            state = A.fold(events, from: state)
            log += try events.map { ($0.eventType, $0.schemaVersion, try $0.encodedData()) }
            accepted += events.isEmpty ? 0 : 1
            invariant(before, state, events)
        } catch let error as DomainError {
            refused += 1
            #expect(!error.message.isEmpty)
        }
    }
    try checkReplay()
    #expect(accepted > steps / 10, "the generator should exercise successful commands (\(accepted) of \(steps))")
    #expect(refused > steps / 20, "the generator should exercise refusals (\(refused) of \(steps))")
}

@Suite("Properties")
struct PropertyTests {
    static let seeds: [UInt64] = [1, 2, 3, 20_250_131]

    @Test("random order commands never break the order invariants", arguments: seeds)
    func orders(seed: UInt64) throws {
        let id = OrderID()
        try explore(
            Order.self, seed: seed,
            command: { random, state in
                if state == nil || random.chance(0.02) {
                    let count = random.next(in: 0...4)
                    let items = (0..<count).map { index in
                        OrderItem(
                            sku: "S\(index)", name: "Item \(index)", quantity: random.next(in: -1...20),
                            unitPriceMinor: Int64(random.next(in: -5...5000)))
                    }
                    let principal = random.chance(0.8) ? Fixture.aliceP : random.pick(Fixture.everyone)
                    return (.place(id, tenantID: Fixture.tenant, items: items, currency: random.pick(["EUR", "usd", "XX"])), principal)
                }
                let reason: String? = random.chance(0.8) ? random.pick(["late", "broken", "changed my mind"]) : nil
                let transition = random.pick(OrderTransition.allCases)
                let entitled = transition.isFulfilment ? random.pick([Fixture.adminP, Fixture.systemP]) : Fixture.aliceP
                return (.transition(id, transition, reason: reason), random.chance(0.8) ? entitled : random.pick(Fixture.everyone))
            },
            invariant: { _, state, _ in
                guard let order = state else { return }
                let transitions = Set(order.history.map(\.transition))
                #expect(!(transitions.contains(.ship) && transitions.contains(.cancel)), "an order was both shipped and cancelled")
                #expect(order.items.allSatisfy { $0.quantity > 0 && $0.unitPriceMinor >= 0 })
                #expect(order.totalMinor == order.items.reduce(0) { $0 + $1.unitPriceMinor * Int64($1.quantity) })
                #expect((order.statusBeforeRefund != nil) == (order.status == .refundRequested))
                #expect(order.history.last.map { $0.to == order.status } ?? (order.status == .pending))
                #expect(zip(order.history, order.history.dropFirst()).allSatisfy { $0.to == $1.from })
                #expect(order.customerID == Fixture.alice || order.customerID == Fixture.bob || order.customerID == Fixture.boss)
                if order.status == .cancelled { #expect(order.history.allSatisfy { $0.transition != .ship }) }
            })
    }

    @Test("random todo commands never schedule a reminder on a deleted todo", arguments: seeds)
    func todos(seed: UInt64) throws {
        let id = TodoID()
        let reminders = (0..<6).map { _ in ReminderID() }
        try explore(
            Todo.self, seed: seed,
            command: { random, state in
                let principal = random.chance(0.85) ? random.pick([Fixture.aliceP, Fixture.systemP]) : random.pick(Fixture.everyone)
                let reminder = random.pick(reminders)
                let command: TodoCommand =
                    switch random.next(in: 0...15) {
                    case 0: .create(id, tenantID: Fixture.tenant, ownerID: Fixture.alice, TodoDraft(title: random.pick(["a", " ", "Plan"]), tags: ["x", "x"]))
                    case 1: .changeTitle(id, random.pick(["One", "Two", "", " One "]))
                    case 2: .changeDescription(id, random.pick(["", "d", "e"]))
                    case 3: .changePriority(id, random.pick(TodoPriority.allCases))
                    case 4: .changeDueDate(id, random.chance(0.5) ? nil : Fixture.at(Double(random.next(in: 0...3)) * 3600))
                    case 5: .changeTags(id, (0..<random.next(in: 0...3)).map { "t\($0 % 2)" })
                    case 6: .changeType(id, random.pick(TodoType.allCases))
                    case 7: .complete(id)
                    case 8: .reopen(id)
                    case 9: .cancel(id)
                    case 10: .delete(id)
                    case 11: .restore(id)
                    case 12, 13: .scheduleReminder(id, reminder, kind: random.pick(TodoReminder.Kind.allCases), fireAt: Fixture.at(3600))
                    case 14: .cancelReminder(id, reminder)
                    default: .markReminderSent(id, reminder)
                    }
                return (
                    state == nil && random.chance(0.7) ? .create(id, tenantID: Fixture.tenant, ownerID: Fixture.alice, TodoDraft(title: "Plan")) : command,
                    principal
                )
            },
            invariant: { _, state, events in
                guard let todo = state else { return }
                if todo.isDeleted {
                    #expect(todo.reminders.values.allSatisfy { $0.status != .scheduled }, "scheduled reminder on a deleted todo")
                    #expect(!events.contains { if case .reminderScheduled = $0 { true } else { false } })
                }
                #expect((1...200).contains(todo.title.count) && todo.title == todo.title.trimmingCharacters(in: .whitespaces))
                #expect(todo.tags.count <= 20 && Set(todo.tags).count == todo.tags.count)
                #expect((todo.completedAt != nil) == (todo.status == .completed))
                #expect(todo.ownerID == Fixture.alice)
            })
    }

    @Test("random user commands keep the member role and never undelete", arguments: seeds)
    func users(seed: UInt64) throws {
        let id = Fixture.alice
        try explore(
            User.self, seed: seed,
            command: { random, state in
                let command: UserCommand =
                    switch random.next(in: 0...9) {
                    case 0:
                        .register(
                            id, tenantID: Fixture.tenant, username: random.pick(["alice", "a", "Bob_1"]), email: "a@b.co", phone: nil,
                            passwordHash: random.pick([Fixture.hash1, "plain"]), tenantIsActive: random.chance(0.9))
                    case 1: .updateProfile(id, ProfileUpdate(nickname: random.pick([nil, "", "Al", "Ally"]), locale: random.pick([nil, "en", "fr-CA", ""])))
                    case 2: .changePassword(id, passwordHash: random.pick([Fixture.hash1, Fixture.hash2, "x"]))
                    case 3: .grantRole(id, random.pick(Role.allCases))
                    case 4: .revokeRole(id, random.pick(Role.allCases))
                    case 5: .lock(id, reason: nil)
                    case 6: .unlock(id)
                    case 7: .deactivate(id, reason: random.chance(0.5) ? "gone" : nil)
                    case 8: random.chance(0.2) ? .delete(id) : .unlock(id)
                    default: .grantRole(id, .admin)
                    }
                let principal = state == nil && random.chance(0.5) ? Principal.anonymous : random.pick(Fixture.everyone + [Fixture.adminP, Fixture.aliceP])
                return (
                    state == nil && random.chance(0.5)
                        ? .register(
                            id, tenantID: Fixture.tenant, username: "alice", email: "a@b.co", phone: nil, passwordHash: Fixture.hash1, tenantIsActive: true)
                        : command, principal
                )
            },
            invariant: { before, state, events in
                guard let user = state else { return }
                #expect(user.roles.contains(.member))
                #expect(user.passwordHash.hasPrefix("$2") && user.passwordHash.count == 60)
                if before?.isDeleted == true { #expect(user.isDeleted && events.isEmpty, "a deleted user changed") }
            })
    }

    @Test("random device commands keep push eligibility consistent", arguments: seeds)
    func devices(seed: UInt64) throws {
        let id = DeviceID()
        try explore(
            Device.self, seed: seed,
            command: { random, state in
                let token = random.pick(["t1", "t2", "", "t3"])
                let command: DeviceCommand =
                    switch random.next(in: 0...4) {
                    case 0:
                        .register(
                            id, tenantID: Fixture.tenant, userID: Fixture.alice,
                            DeviceRegistration(
                                platform: random.pick(DeviceRegistration.Platform.allCases), pushToken: token,
                                provider: random.pick(DeviceRegistration.Provider.allCases)))
                    case 1: .updateToken(id, pushToken: token)
                    case 2: .unregister(id)
                    default: .invalidateToken(id, pushToken: token, reason: "Unregistered", providerTimestamp: Fixture.t0)
                    }
                return (command, random.pick([Fixture.aliceP, Fixture.systemP, Fixture.bobP]))
            },
            invariant: { _, state, _ in
                guard let device = state else { return }
                #expect(!device.canReceivePushes || (device.isRegistered && device.tokenInvalidation == nil))
                #expect(!device.registration.pushToken.isEmpty && device.userID == Fixture.alice)
            })
    }

    @Test("random notification and announcement commands only record reads by entitled readers", arguments: seeds)
    func messages(seed: UInt64) throws {
        let nid = NotificationID()
        let recipients = [Fixture.alice, Fixture.bob].map { Recipient(userID: $0, tenantID: Fixture.tenant, isActive: true) }
        try explore(
            NotificationAggregate.self, seed: seed, steps: 2000, episode: 8,
            command: { random, _ in
                let command: NotificationCommand =
                    switch random.next(in: 0...3) {
                    case 0: .send(nid, tenantID: Fixture.tenant, recipients: random.chance(0.8) ? recipients : [], type: "t", title: "T", content: "")
                    case 1, 2: .markRead(nid)
                    default: .archive(nid)
                    }
                let entitled = if case .markRead = command { random.pick([Fixture.aliceP, Fixture.bobP]) } else { Fixture.adminP }
                return (command, random.chance(0.7) ? entitled : random.pick(Fixture.everyone + [Fixture.carolP]))
            },
            invariant: { _, state, _ in
                guard let notification = state else { return }
                #expect(notification.readBy.isSubset(of: notification.receiverIDs))
                #expect(!notification.receiverIDs.contains(Fixture.stranger))
            })
        let aid = AnnouncementID()
        try explore(
            Announcement.self, seed: seed, steps: 2000, episode: 8,
            command: { random, _ in
                let command: AnnouncementCommand =
                    switch random.next(in: 0...6) {
                    case 0: .draft(aid, tenantID: Fixture.tenant, title: "T", body: "B")
                    case 1: .edit(aid, title: random.pick(["T", "U", nil]), body: random.pick(["B", "C", nil]))
                    case 2: .publish(aid)
                    case 3: .unpublish(aid)
                    case 4: random.chance(0.1) ? .archive(aid) : .publish(aid)
                    default: .markRead(aid)
                    }
                let entitled = if case .markRead = command { random.pick([Fixture.aliceP, Fixture.bobP]) } else { Fixture.adminP }
                return (command, random.chance(0.7) ? entitled : random.pick(Fixture.everyone))
            },
            invariant: { before, state, events in
                guard let announcement = state else { return }
                #expect((announcement.publishedAt != nil) == (announcement.status == .published))
                #expect(announcement.readBy.count >= (before?.readBy.count ?? 0))
                for case .read(_) in events { #expect(announcement.status == .published) }
            })
    }
}

extension Fixture {
    /// Carol, a member who receives nothing in the property tests.
    static let carolP = Principal.user(carol, tenantID: tenant)
    /// A mix of principals with and without rights.
    static let everyone = [aliceP, bobP, adminP, systemP, foreignAdminP, Principal.anonymous]
}
