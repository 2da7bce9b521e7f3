import Domain
import Foundation

/// Realistic event histories of each aggregate, written by running domain commands.
enum Stories {
    static let todo1 = TodoID(rawValue: UUID(uuid: (3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)))
    static let todo2 = TodoID(rawValue: UUID(uuid: (3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2)))
    static let todo3 = TodoID(rawValue: UUID(uuid: (3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3)))
    static let todo4 = TodoID(rawValue: UUID(uuid: (3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4)))
    static let reminder = ReminderID(rawValue: UUID(uuid: (4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)))
    static let reminder2 = ReminderID(rawValue: UUID(uuid: (4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2)))
    static let order = OrderID(rawValue: UUID(uuid: (5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)))
    static let cancelledOrder = OrderID(rawValue: UUID(uuid: (5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2)))
    static let notification = NotificationID(rawValue: UUID(uuid: (6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)))
    static let announcement = AnnouncementID(rawValue: UUID(uuid: (7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)))
    static let device = DeviceID(rawValue: UUID(uuid: (8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)))

    /// Day D = 2025-02-01 (noon UTC), one day after `t0`.
    static let dayD = Cast.t0.addingTimeInterval(Cast.day + 9_000)

    static func tenant(_ story: inout Story) throws {
        try story.run(Tenant.self, Cast.tenant, .create(Cast.tenant, name: "Acme", code: "acme"), as: .system(tenantID: nil))
        try story.run(Tenant.self, Cast.tenant, .rename(Cast.tenant, name: "Acme Corp"), as: Cast.adminP, after: 10)
        try story.run(Tenant.self, Cast.tenant, .deactivate(Cast.tenant), as: Cast.systemP, after: 20)
    }

    static func users(_ story: inout Story) throws {
        try story.run(
            User.self, Cast.alice,
            .register(
                Cast.alice, tenantID: Cast.tenant, username: "Alice", email: "alice@example.com", phone: nil,
                passwordHash: Cast.hash1, tenantIsActive: true), as: .anonymous)
        try story.run(
            User.self, Cast.bob,
            .register(
                Cast.bob, tenantID: Cast.tenant, username: "bob", email: "bob@example.com", phone: "+41 79 123 45 67",
                passwordHash: Cast.hash1, tenantIsActive: true), as: Cast.adminP, after: 1)
        try story.run(
            User.self, Cast.alice,
            .updateProfile(
                Cast.alice,
                ProfileUpdate(
                    nickname: "Al", locale: "de-CH", timeZone: "Europe/Zurich")), as: Cast.aliceP, after: 2)
        try story.run(User.self, Cast.alice, .changePassword(Cast.alice, passwordHash: Cast.hash2), as: Cast.aliceP, after: 3)
        try story.run(User.self, Cast.alice, .grantRole(Cast.alice, .admin), as: Cast.adminP, after: 4)
        try story.run(User.self, Cast.alice, .revokeRole(Cast.alice, .admin), as: Cast.adminP, after: 5)
        try story.run(User.self, Cast.bob, .lock(Cast.bob, reason: "too many attempts"), as: Cast.adminP, after: 6)
        try story.run(User.self, Cast.bob, .unlock(Cast.bob), as: Cast.adminP, after: 7)
        try story.run(User.self, Cast.bob, .delete(Cast.bob), as: Cast.adminP, after: 8)
    }

    /// Alice's todos 1-3 due on day D, Bob's todo 4 due on D+1; 1 completed, 3 cancelled.
    static func todosPhase1(_ story: inout Story) throws {
        for (id, title) in [(todo1, "Write report"), (todo2, "Call Bob"), (todo3, "Buy milk")] {
            try story.run(
                Todo.self, id,
                .create(
                    id, tenantID: Cast.tenant, ownerID: Cast.alice,
                    TodoDraft(
                        title: title, priority: .high, dueDate: dayD, tags: ["work", "q1"])), as: Cast.aliceP)
        }
        try story.run(
            Todo.self, todo4,
            .create(
                todo4, tenantID: Cast.tenant, ownerID: Cast.bob,
                TodoDraft(
                    title: "Bob's task", dueDate: dayD.addingTimeInterval(Cast.day))), as: Cast.bobP)
        try story.run(Todo.self, todo1, .changeTitle(todo1, "Write the report"), as: Cast.aliceP, after: 60)
        try story.run(Todo.self, todo1, .scheduleReminder(todo1, reminder, kind: .due, fireAt: dayD), as: Cast.aliceP, after: 61)
        try story.run(Todo.self, todo1, .scheduleReminder(todo1, reminder2, kind: .daily, fireAt: dayD), as: Cast.aliceP, after: 62)
        try story.run(Todo.self, todo1, .markReminderSent(todo1, reminder), as: Cast.systemP, after: 63)
        try story.run(Todo.self, todo1, .complete(todo1), as: Cast.aliceP, after: 120)
        try story.run(Todo.self, todo3, .cancel(todo3), as: Cast.aliceP, after: 130)
    }

    /// Todo 2 moves to D+2, todo 1 is deleted (its pending reminder is cancelled), todo 3 deleted and restored.
    static func todosPhase2(_ story: inout Story) throws {
        try story.run(Todo.self, todo2, .changeDueDate(todo2, dayD.addingTimeInterval(2 * Cast.day)), as: Cast.aliceP, after: 200)
        try story.run(Todo.self, todo1, .delete(todo1), as: Cast.aliceP, after: 210)
        try story.run(Todo.self, todo3, .delete(todo3), as: Cast.aliceP, after: 220)
        try story.run(Todo.self, todo3, .restore(todo3), as: Cast.aliceP, after: 230)
    }

    static func notifications(_ story: inout Story) throws {
        let recipients = [Cast.alice, Cast.bob].map { Recipient(userID: $0, tenantID: Cast.tenant, isActive: true) }
        try story.run(
            NotificationAggregate.self, notification,
            .send(
                notification, tenantID: Cast.tenant, recipients: recipients, type: "order.shipped", title: "Shipped",
                content: "Your order is on its way"), as: Cast.adminP)
        try story.run(NotificationAggregate.self, notification, .markRead(notification), as: Cast.aliceP, after: 5)
        try story.run(NotificationAggregate.self, notification, .archive(notification), as: Cast.adminP, after: 10)
    }

    static func announcements(_ story: inout Story) throws {
        try story.run(Announcement.self, announcement, .draft(announcement, tenantID: Cast.tenant, title: "Hello", body: "Draft"), as: Cast.adminP)
        try story.run(Announcement.self, announcement, .edit(announcement, title: nil, body: "Welcome, everyone"), as: Cast.adminP, after: 1)
        try story.run(Announcement.self, announcement, .publish(announcement), as: Cast.adminP, after: 2)
        try story.run(Announcement.self, announcement, .markRead(announcement), as: Cast.aliceP, after: 3)
        try story.run(Announcement.self, announcement, .markRead(announcement), as: Cast.bobP, after: 4)
        try story.run(Announcement.self, announcement, .archive(announcement), as: Cast.adminP, after: 5)
    }

    static func orders(_ story: inout Story) throws {
        let items = [
            OrderItem(sku: "MUG-1", name: "Mug", quantity: 2, unitPriceMinor: 1250),
            OrderItem(sku: "TEE-M", name: "T-shirt", quantity: 1, unitPriceMinor: 2500),
        ]
        try story.run(Order.self, order, .place(order, tenantID: Cast.tenant, items: items, currency: "eur"), as: Cast.aliceP)
        try story.run(Order.self, order, .pay(order), as: Cast.systemP, after: 1)
        try story.run(Order.self, order, .ship(order), as: Cast.adminP, after: 2)
        try story.run(Order.self, order, .deliver(order), as: Cast.adminP, after: 3)
        try story.run(Order.self, order, .fileComplaint(order, reason: "Mug arrived chipped"), as: Cast.aliceP, after: 4)
        try story.run(Order.self, order, .requestRefund(order, reason: "Broken"), as: Cast.aliceP, after: 5)
        try story.run(Order.self, order, .rejectRefund(order, reason: "Send a photo"), as: Cast.adminP, after: 6)
        try story.run(Order.self, order, .resolveComplaint(order, reason: "Replacement sent"), as: Cast.adminP, after: 7)
        try story.run(Order.self, order, .requestRefund(order, reason: "Photo attached"), as: Cast.aliceP, after: 8)
        try story.run(Order.self, order, .approveRefund(order), as: Cast.adminP, after: 9)
        try story.run(Order.self, cancelledOrder, .place(cancelledOrder, tenantID: Cast.tenant, items: [items[0]], currency: "CHF"), as: Cast.bobP, after: 10)
        try story.run(Order.self, cancelledOrder, .cancel(cancelledOrder, reason: "Changed my mind"), as: Cast.bobP, after: 11)
    }

    static func devicesPhase1(_ story: inout Story) throws {
        try story.run(
            Device.self, device,
            .register(
                device, tenantID: Cast.tenant, userID: Cast.alice,
                DeviceRegistration(
                    platform: .ios, pushToken: "tok-1", provider: .apns, appID: "com.example.app", appVersion: "1.2.3",
                    locale: "en-GB")), as: Cast.aliceP)
        try story.run(Device.self, device, .updateToken(device, pushToken: "tok-2"), as: Cast.aliceP, after: 1)
        try story.run(
            Device.self, device,
            .invalidateToken(
                device, pushToken: "tok-2", reason: "BadDeviceToken", providerTimestamp: Cast.t0.addingTimeInterval(2)),
            as: Cast.systemP, after: 3)
    }

    static func devicesPhase2(_ story: inout Story) throws {
        try story.run(Device.self, device, .updateToken(device, pushToken: "tok-3"), as: Cast.aliceP, after: 4)
        try story.run(Device.self, device, .unregister(device), as: Cast.aliceP, after: 5)
    }

    /// Every story, in one log.
    static func everything() throws -> Story {
        var story = Story()
        try tenant(&story)
        try users(&story)
        try todosPhase1(&story)
        try todosPhase2(&story)
        try notifications(&story)
        try announcements(&story)
        try orders(&story)
        try devicesPhase1(&story)
        try devicesPhase2(&story)
        return story
    }
}
