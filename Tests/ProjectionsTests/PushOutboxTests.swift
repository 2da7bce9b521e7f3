import Domain
import EventStore
import Foundation
import Outbox
import Projections
import Testing
import TidemarkTestSupport

/// The push outbox projection on a real database: fan-out, preferences, expiry, collapse keys,
/// device changes, and that replays and rebuilds enqueue nothing twice.
@Suite("Push outbox")
struct PushOutboxTests {
    static let phone = DeviceID(rawValue: UUID(uuid: (9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)))
    static let tablet = DeviceID(rawValue: UUID(uuid: (9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2)))
    static let bobsPhone = DeviceID(rawValue: UUID(uuid: (9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3)))
    static let shared = DeviceID(rawValue: UUID(uuid: (9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4)))

    /// Tenant, Alice and Bob (both active).
    static func people() throws -> Story {
        var story = Story()
        try story.run(Tenant.self, Cast.tenant, .create(Cast.tenant, name: "Acme", code: "acme"), as: .system(tenantID: nil))
        for (user, name) in [(Cast.alice, "alice"), (Cast.bob, "bob")] {
            try story.run(
                User.self, user,
                .register(
                    user, tenantID: Cast.tenant, username: name, email: "\(name)@example.com", phone: nil,
                    passwordHash: Cast.hash1, tenantIsActive: true), as: .anonymous)
        }
        return story
    }

    static func register(
        _ story: inout Story, _ device: DeviceID, for user: UserID, token: String, provider: DeviceRegistration.Provider = .apns, after: Double = 1
    ) throws {
        try story.run(
            Device.self, device,
            .register(
                device, tenantID: Cast.tenant, userID: user,
                DeviceRegistration(
                    platform: provider == .apns ? .ios : .android, pushToken: token, provider: provider, appID: "com.example.app")),
            as: .user(user, tenantID: Cast.tenant), after: after)
    }

    static func notify(_ story: inout Story, _ receivers: [UserID], type: String = "comment", after: Double = 2) throws {
        let id = NotificationID()
        try story.run(
            NotificationAggregate.self, id,
            .send(
                id, tenantID: Cast.tenant, recipients: receivers.map { Recipient(userID: $0, tenantID: Cast.tenant, isActive: true) },
                type: type, title: "Hello", content: "News"),
            as: Cast.systemP, after: after)
    }

    /// Runs `body` with a database holding the outbox's tables in `read` and the `push_deliveries` table.
    static func withOutbox(_ body: @Sendable (ReadModelDatabase, EventStore) async throws -> Void) async throws {
        try await withReadModels([PushOutboxProjection()]) { db, store in
            _ = try await store.migrate(additional: PushMigrations.all)
            try await body(db, store)
        }
    }

    static func deliveries(_ db: ReadModelDatabase) async throws -> [[String: String]] {
        try await db.rows(
            """
            SELECT device_id::text AS device, user_id::text AS user, status, coalesce(status_reason, '') AS reason, kind, collapse_key,
                   not_before, source_position, token
            FROM public.push_deliveries ORDER BY source_position, device_id
            """)
    }

    @Test("a notification is one queued delivery per active device of each receiver; a replay and a rebuild enqueue nothing twice")
    func fanOutOnce() async throws {
        var story = try Self.people()
        try Self.register(&story, Self.phone, for: Cast.alice, token: "aa01")
        try Self.register(&story, Self.tablet, for: Cast.alice, token: "fcm-token-1", provider: .fcm)
        try Self.register(&story, Self.bobsPhone, for: Cast.bob, token: "bb01")
        try story.run(Device.self, Self.bobsPhone, .unregister(Self.bobsPhone), as: Cast.bobP, after: 1.5)
        try Self.notify(&story, [Cast.alice, Cast.bob])
        let outbox = PushOutboxProjection(now: { Cast.t0.addingTimeInterval(60) })
        let events = story.events
        try await Self.withOutbox { db, _ in
            try await db.apply(outbox, events)
            let first = try await Self.deliveries(db)
            #expect(first.count == 2)
            #expect(Set(first.map { $0["device"] ?? "" }) == [Self.phone.description, Self.tablet.description])
            #expect(first.allSatisfy { $0["status"] == "queued" && $0["user"] == Cast.alice.description })
            // The same events again (a retried batch), and a rebuild into fresh tables from position zero.
            try await db.apply(outbox, events, batchesOf: 1)
            try await db.create("read_rebuild", for: [outbox])
            try await db.apply(outbox, events, in: "read_rebuild")
            #expect(try await db.count("SELECT count(*)::int FROM public.push_deliveries") == 2)
            #expect(try await Self.deliveries(db) == first)
        }
    }

    @Test("a rebuild long after the events enqueues nothing for messages past their expiry")
    func expiredNotEnqueued() async throws {
        var story = try Self.people()
        try Self.register(&story, Self.phone, for: Cast.alice, token: "aa01")
        try Self.notify(&story, [Cast.alice])
        let late = PushOutboxProjection(now: { Cast.t0.addingTimeInterval(2 * 86_400) })
        let events = story.events
        try await Self.withOutbox { db, _ in
            try await db.apply(late, events)
            #expect(try await db.count("SELECT count(*)::int FROM public.push_deliveries") == 0)
            // The registry itself is rebuilt all the same.
            #expect(try await db.count("SELECT count(*)::int FROM read.push_targets WHERE active") == 1)
        }
    }

    @Test("a muted kind is skipped with its reason; quiet hours hold a push until they end")
    func preferences() async throws {
        var story = try Self.people()
        try Self.register(&story, Self.phone, for: Cast.alice, token: "aa01")
        // t0 is 09:30 UTC: quiet hours 09:00-10:00 in UTC contain it.
        try story.run(
            PushPreferences.self, Cast.alice,
            .set(
                Cast.alice, tenantID: Cast.tenant,
                PushSettings(
                    muted: ["comment"], quietHours: QuietHours(startMinute: 9 * 60, endMinute: 10 * 60), timeZone: "UTC")), as: Cast.aliceP, after: 1)
        try Self.notify(&story, [Cast.alice], type: "comment")
        try Self.notify(&story, [Cast.alice], type: "reminder", after: 3)
        let outbox = PushOutboxProjection(now: { Cast.t0.addingTimeInterval(5) })
        let events = story.events
        try await Self.withOutbox { db, _ in
            try await db.apply(outbox, events)
            let rows = try await Self.deliveries(db)
            #expect(rows.count == 2)
            #expect(rows.first?["status"] == "skipped" && rows.first?["reason"] == "muted by the user: comment")
            #expect(rows.last?["status"] == "queued")
            #expect(rows.last?["reason"].map { $0.hasPrefix("held for quiet hours until") } == true)
            let wait = try await db.count(
                """
                SELECT extract(epoch FROM not_before - '2025-01-31T10:00:00Z'::timestamptz)::int FROM public.push_deliveries WHERE kind = 'reminder'
                """)
            #expect(wait == 0)
        }
    }

    @Test("a newer order update supersedes the older pending one with the same collapse key")
    func collapse() async throws {
        var story = try Self.people()
        try Self.register(&story, Self.bobsPhone, for: Cast.bob, token: "bb01")
        let order = OrderID()
        try story.run(
            Order.self, order,
            .place(order, tenantID: Cast.tenant, items: [OrderItem(sku: "A-1", name: "Mug", quantity: 1, unitPriceMinor: 900)], currency: "CHF"),
            as: Cast.bobP, after: 2)
        try story.run(Order.self, order, .transition(order, .pay, reason: nil), as: Cast.adminP, after: 3)
        try story.run(Order.self, order, .transition(order, .ship, reason: nil), as: Cast.adminP, after: 4)
        let outbox = PushOutboxProjection(now: { Cast.t0.addingTimeInterval(10) })
        let events = story.events
        try await Self.withOutbox { db, _ in
            try await db.apply(outbox, events, batchesOf: 1)
            let rows = try await Self.deliveries(db)
            #expect(rows.map { $0["status"] ?? "" } == ["superseded", "queued"])
            #expect(rows.allSatisfy { $0["collapse_key"] == "order:\(order)" })
        }
    }

    @Test("a token registered by another user's device takes the pushes: the first user's pending ones are withdrawn and no new ones go there")
    func sharedToken() async throws {
        var story = try Self.people()
        try Self.register(&story, Self.phone, for: Cast.alice, token: "cafe01")
        try Self.notify(&story, [Cast.alice], after: 2)
        try Self.register(&story, Self.shared, for: Cast.bob, token: "cafe01", after: 3)
        try Self.notify(&story, [Cast.alice], after: 4)
        try Self.notify(&story, [Cast.bob], after: 5)
        // The same device id moving to another user (a shared tablet signing in again).
        try Self.register(&story, Self.tablet, for: Cast.alice, token: "beef01", after: 6)
        try Self.notify(&story, [Cast.alice], after: 7)
        try Self.register(&story, Self.tablet, for: Cast.bob, token: "beef01", after: 8)
        try Self.notify(&story, [Cast.alice, Cast.bob], after: 9)
        let outbox = PushOutboxProjection(now: { Cast.t0.addingTimeInterval(10) })
        let events = story.events
        try await Self.withOutbox { db, _ in
            try await db.apply(outbox, events, batchesOf: 3)
            let rows = try await Self.deliveries(db)
            let alices = rows.filter { $0["user"] == Cast.alice.description }
            #expect(alices.map { $0["status"] ?? "" } == ["skipped", "skipped"])
            #expect(alices.first?["reason"] == "the token was registered by device \(Self.shared)")
            #expect(alices.last?["reason"] == "the device was registered to another user")
            let bobs = rows.filter { $0["user"] == Cast.bob.description }
            #expect(bobs.count == 3 && bobs.allSatisfy { $0["status"] == "queued" })
            #expect(Set(bobs.map { $0["device"] ?? "" }) == [Self.shared.description, Self.tablet.description])
        }
    }

    @Test("an announcement goes to every active user of the tenant with its wording; a rejected token stops pushes to that device")
    func announcementAndInvalidToken() async throws {
        var story = try Self.people()
        try Self.register(&story, Self.phone, for: Cast.alice, token: "aa01")
        try Self.register(&story, Self.bobsPhone, for: Cast.bob, token: "bb01")
        let announcement = AnnouncementID()
        try story.run(
            Announcement.self, announcement, .draft(announcement, tenantID: Cast.tenant, title: "Maintenance", body: "Tonight"), as: Cast.adminP, after: 2)
        try story.run(Announcement.self, announcement, .publish(announcement), as: Cast.adminP, after: 3)
        try story.run(
            Device.self, Self.bobsPhone,
            .invalidateToken(Self.bobsPhone, pushToken: "bb01", reason: "Unregistered", providerTimestamp: Cast.t0.addingTimeInterval(3.5)),
            as: Cast.systemP, after: 4)
        try Self.notify(&story, [Cast.alice, Cast.bob], after: 5)
        let outbox = PushOutboxProjection(now: { Cast.t0.addingTimeInterval(10) })
        let events = story.events
        try await Self.withOutbox { db, _ in
            try await db.apply(outbox, events)
            let rows = try await Self.deliveries(db)
            let announced = rows.filter { $0["kind"] == "announcement" }
            #expect(announced.count == 2)
            #expect(announced.first { $0["device"] == Self.bobsPhone.description }?["status"] == "skipped")
            #expect(announced.first { $0["device"] == Self.phone.description }?["status"] == "queued")
            let notified = rows.filter { $0["kind"] == "comment" }
            #expect(notified.map { $0["device"] ?? "" } == [Self.phone.description])
            #expect(try await db.count("SELECT count(*)::int FROM public.push_deliveries WHERE title = 'Maintenance' AND body = 'Tonight'") == 2)
        }
    }
}
