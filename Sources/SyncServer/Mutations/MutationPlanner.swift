import Commands
import Domain
import Foundation
import SyncProtocol

/// Turns a named mutation with JSON arguments into a command of the domain and runs it.
///
/// The same table serves `POST /v1/sync/push` and the REST write API, so both validate and
/// decide identically. Authorization is the domain's: the planner only builds the command.
public struct MutationPlanner: Sendable {
    /// The command service.
    public let commands: CommandService
    /// Most active devices one user may register (the device registry, `read.devices`, counts them).
    public let maxDevicesPerUser: Int

    /// Creates a planner.
    public init(commands: CommandService, maxDevicesPerUser: Int = 20) {
        self.commands = commands
        self.maxDevicesPerUser = maxDevicesPerUser
    }

    /// Runs mutation `name` with `args` for `envelope`'s principal.
    ///
    /// - Throws: ``CommandError``: `invalid` for an unknown name or bad arguments, otherwise the
    ///   domain's refusal (`forbidden`, `deleted`, `illegal_transition`, `not_found`, …).
    public func run(_ name: String, args: JSONValue, envelope: CommandEnvelope) async throws(CommandError) -> CommandOutcome {
        try await plan(name, args: args, envelope: envelope).run(on: commands, envelope: envelope)
    }

    /// Turns mutation `name` with `args` into a command for `envelope`'s principal, without running it.
    ///
    /// - Throws: ``CommandError`` `invalid` for an unknown name or bad arguments, `forbidden` when
    ///   the principal may not send it at all, `limit_exceeded` for a device over the cap.
    public func plan(_ name: String, args: JSONValue, envelope: CommandEnvelope) async throws(CommandError) -> PlannedCommand {
        guard let mutation = MutationName(rawValue: name) else {
            throw CommandError(.invalid, "unknown mutation '\(name.prefix(64))'")
        }
        let a = try MutationArguments(args, name: name)
        let principal = envelope.principal
        guard let tenant = principal.tenantID else {
            throw CommandError(.forbidden, "sign in first")
        }
        switch mutation {
        case .todoCreate:
            guard let owner = principal.userID else { throw CommandError(.forbidden, "sign in first") }
            let draft = TodoDraft(
                title: try a.string("title"), description: try a.optionalString("description") ?? "",
                priority: try a.enumeration("priority") ?? .medium, dueDate: try a.date("due_at"),
                tags: try a.strings("tags") ?? [], type: try a.enumeration("type") ?? .personal
            )
            let id: TodoID = try a.id("todo_id")
            return .command(Todo.self, id: id, command: .create(id, tenantID: tenant, ownerID: owner, draft))
        case .todoEdit:
            let id: TodoID = try a.id("todo_id")
            let edit = TodoEdit(
                title: try a.optionalString("title"), description: try a.optionalString("description"),
                priority: try a.enumeration("priority"), dueDate: a.has("due_at") ? .some(try a.date("due_at")) : nil,
                tags: try a.strings("tags"), type: try a.enumeration("type")
            )
            return .command(Todo.self, id: id, command: .edit(id, edit))
        case .todoComplete: return try todo(a) { .complete($0) }
        case .todoReopen: return try todo(a) { .reopen($0) }
        case .todoCancel: return try todo(a) { .cancel($0) }
        case .todoDelete: return try todo(a) { .delete($0) }
        case .todoRestore: return try todo(a) { .restore($0) }
        case .reminderSchedule:
            let reminder: ReminderID = try a.id("reminder_id")
            guard let kind: TodoReminder.Kind = try a.enumeration("kind") else {
                throw CommandError(.invalid, "\(name) needs 'kind'")
            }
            let fireAt = try a.requiredDate("fire_at")
            return try todo(a) { .scheduleReminder($0, reminder, kind: kind, fireAt: fireAt) }
        case .reminderCancel:
            let reminder: ReminderID = try a.id("reminder_id")
            return try todo(a) { .cancelReminder($0, reminder) }
        case .notificationRead: return try notification(a) { .markRead($0) }
        case .notificationArchive: return try notification(a) { .archive($0) }
        case .notificationSend:
            let id: NotificationID = try a.id("notification_id")
            var receivers: [UserID] = []
            for text in try a.strings("receivers") ?? [] {
                guard let user = UserID(text) else { throw CommandError(.invalid, "'receivers' must hold user ids") }
                receivers.append(user)
            }
            guard principal.isAdmin(in: tenant) else {
                throw CommandError(.forbidden, "only an administrator may send notifications")
            }
            let (type, title, content, to) = (try a.string("type"), try a.string("title"), try a.string("content"), receivers)
            return .standalone { service, envelope throws(CommandError) in
                try await service.sendNotification(
                    id, tenantID: tenant, receivers: to, type: type, title: title, content: content, envelope: envelope
                )
            }
        case .announcementRead: return try announcement(a) { .markRead($0) }
        case .announcementDraft:
            let id: AnnouncementID = try a.id("announcement_id")
            let command = AnnouncementCommand.draft(id, tenantID: tenant, title: try a.string("title"), body: try a.string("body"))
            return .command(Announcement.self, id: id, command: command)
        case .announcementEdit:
            let title = try a.optionalString("title")
            let body = try a.optionalString("body")
            return try announcement(a) { .edit($0, title: title, body: body) }
        case .announcementPublish: return try announcement(a) { .publish($0) }
        case .announcementUnpublish: return try announcement(a) { .unpublish($0) }
        case .announcementArchive: return try announcement(a) { .archive($0) }
        case .orderPlace:
            let id: OrderID = try a.id("order_id")
            var items: [OrderItem] = []
            for line in try a.array("items") {
                items.append(OrderItem(
                    sku: try line.string("sku"), name: try line.string("name"),
                    quantity: Int(clamping: try line.int("quantity")), unitPriceMinor: try line.int("unit_price_minor")
                ))
            }
            let command = OrderCommand.place(id, tenantID: tenant, items: items, currency: try a.string("currency"))
            return .command(Order.self, id: id, command: command)
        case .orderCancel: return try order(a, .cancel)
        case .orderRequestRefund: return try order(a, .requestRefund)
        case .orderFileComplaint: return try order(a, .fileComplaint)
        case .orderPay: return try order(a, .pay)
        case .orderShip: return try order(a, .ship)
        case .orderDeliver: return try order(a, .deliver)
        case .orderApproveRefund: return try order(a, .approveRefund)
        case .orderRejectRefund: return try order(a, .rejectRefund)
        case .orderResolveComplaint: return try order(a, .resolveComplaint)
        case .profileUpdate:
            guard let user = principal.userID else { throw CommandError(.forbidden, "sign in first") }
            let update = ProfileUpdate(
                nickname: try a.optionalString("nickname"), avatarURL: try a.optionalString("avatar_url"),
                email: try a.optionalString("email"), phone: try a.optionalString("phone"),
                locale: try a.optionalString("locale"), timeZone: try a.optionalString("time_zone")
            )
            return .command(User.self, id: user, command: .updateProfile(user, update))
        case .deviceRegister:
            guard let user = principal.userID else { throw CommandError(.forbidden, "sign in first") }
            let id: DeviceID = try a.id("device_id")
            guard let platform: DeviceRegistration.Platform = try a.enumeration("platform"),
                  let provider: DeviceRegistration.Provider = try a.enumeration("provider")
            else {
                throw CommandError(.invalid, "\(name) needs 'platform' (ios, android, web, desktop) and 'provider' (apns, fcm, webpush, webhook)")
            }
            let registration = DeviceRegistration(
                platform: platform, pushToken: try a.string("push_token"), provider: provider, appID: try a.optionalString("app_id"),
                environment: try a.enumeration("environment") ?? .production, appVersion: try a.optionalString("app_version"),
                locale: try a.optionalString("locale")
            )
            try await checkDeviceCap(user: user, device: id)
            return .command(Device.self, id: id, command: .register(id, tenantID: tenant, userID: user, registration))
        case .pushPreferencesSet:
            guard let user = principal.userID else { throw CommandError(.forbidden, "sign in first") }
            let start = try a.optionalString("quiet_start")
            let end = try a.optionalString("quiet_end")
            var quiet: QuietHours?
            switch (start, end) {
            case (.none, .none): quiet = nil
            case (.some(let start), .some(let end)): quiet = QuietHours(startMinute: try Self.minute(start, "quiet_start"), endMinute: try Self.minute(end, "quiet_end"))
            default: throw CommandError(.invalid, "\(name) needs both 'quiet_start' and 'quiet_end' (HH:MM), or neither")
            }
            let settings = PushSettings(muted: Set(try a.strings("muted") ?? []), quietHours: quiet, timeZone: try a.optionalString("time_zone"))
            return .command(PushPreferences.self, id: user, command: .set(user, tenantID: tenant, settings))
        case .deviceUpdateToken:
            let id: DeviceID = try a.id("device_id")
            let token = try a.string("push_token")
            return .command(Device.self, id: id, command: .updateToken(id, pushToken: token))
        case .deviceUnregister:
            let id: DeviceID = try a.id("device_id")
            return .command(Device.self, id: id, command: .unregister(id))
        case .userGrantRole, .userRevokeRole:
            let id: UserID = try a.id("user_id")
            guard let role: Role = try a.enumeration("role") else { throw CommandError(.invalid, "\(name) needs 'role'") }
            let command: UserCommand = mutation == .userGrantRole ? .grantRole(id, role) : .revokeRole(id, role)
            return Self.user(id, command)
        case .userLock:
            let id: UserID = try a.id("user_id")
            return Self.user(id, .lock(id, reason: try a.optionalString("reason")))
        case .userUnlock:
            let id: UserID = try a.id("user_id")
            return Self.user(id, .unlock(id))
        case .userDeactivate:
            let id: UserID = try a.id("user_id")
            return Self.user(id, .deactivate(id, reason: try a.optionalString("reason")))
        case .userDelete:
            let id: UserID = try a.id("user_id")
            return Self.user(id, .delete(id))
        case .tenantRename:
            return .command(Tenant.self, id: tenant, command: .rename(tenant, name: try a.string("name")))
        }
    }

    /// A user command; one that may take an administrator away runs on its own, so the command
    /// service can check that the tenant keeps an active administrator (never as a batch step).
    private static func user(_ id: UserID, _ command: UserCommand) -> PlannedCommand {
        guard User.mayRemoveAdmin(command) else { return .command(User.self, id: id, command: command) }
        return .standalone { service, envelope throws(CommandError) in
            try await service.executeUserCommand(id, command: command, envelope: envelope)
        }
    }

    private func todo(
        _ a: MutationArguments, _ make: (TodoID) -> TodoCommand
    ) throws(CommandError) -> PlannedCommand {
        let id: TodoID = try a.id("todo_id")
        return .command(Todo.self, id: id, command: make(id))
    }

    private func notification(
        _ a: MutationArguments, _ make: (NotificationID) -> NotificationCommand
    ) throws(CommandError) -> PlannedCommand {
        let id: NotificationID = try a.id("notification_id")
        return .command(NotificationAggregate.self, id: id, command: make(id))
    }

    private func announcement(
        _ a: MutationArguments, _ make: (AnnouncementID) -> AnnouncementCommand
    ) throws(CommandError) -> PlannedCommand {
        let id: AnnouncementID = try a.id("announcement_id")
        return .command(Announcement.self, id: id, command: make(id))
    }

    private func order(
        _ a: MutationArguments, _ transition: OrderTransition
    ) throws(CommandError) -> PlannedCommand {
        let id: OrderID = try a.id("order_id")
        return .command(Order.self, id: id, command: .transition(id, transition, reason: try a.optionalString("reason")))
    }

    /// Minutes after midnight of `HH:MM`.
    static func minute(_ text: String, _ key: String) throws(CommandError) -> Int {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]),
              (0..<24).contains(hour), (0..<60).contains(minute)
        else { throw CommandError(.invalid, "'\(key)' must be a time of day as HH:MM, such as 22:00") }
        return hour * 60 + minute
    }
}
