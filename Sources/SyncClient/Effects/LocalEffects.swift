import SyncProtocol

/// The optimistic local effect of each mutation: pure functions from (mutation, current row) to
/// the new row. The replica calls them when a mutation is made and again, in sequence order,
/// whenever it rebases the pending mutations on newer server rows.
///
/// Effects follow the domain's rules where they are cheap to check (completing only an open todo,
/// cancelling only a pending or paid order), so the preview matches what the server will decide;
/// the server's answer still wins. Admin mutations have no local effect.
enum LocalEffects {
    /// The object members of a row.
    typealias Members = [String: JSONValue]

    /// The rows a mutation touches (at most one today; empty for admin mutations).
    static func touchedRows(_ name: MutationName, args: JSONValue, context: EffectContext) -> [RowRef] {
        func ref(_ entity: SyncEntity, _ member: String) -> [RowRef] {
            args[member]?.stringValue.map { [RowRef(entity, $0)] } ?? []
        }
        switch name {
        case .todoCreate, .todoEdit, .todoComplete, .todoReopen, .todoCancel, .todoDelete, .todoRestore:
            return ref(.todos, "todo_id")
        case .reminderSchedule, .reminderCancel:
            guard let todo = args["todo_id"]?.stringValue, let reminder = args["reminder_id"]?.stringValue else { return [] }
            return [RowRef(.reminders, "\(todo):\(reminder)")]
        case .notificationRead, .notificationArchive:
            return ref(.inbox, "notification_id")
        case .announcementRead:
            return ref(.announcements, "announcement_id")
        case .orderPlace, .orderCancel, .orderRequestRefund, .orderFileComplaint:
            return ref(.orders, "order_id")
        case .profileUpdate:
            return context.userID.map { [RowRef(.profile, $0)] } ?? []
        case .deviceRegister, .deviceUpdateToken, .deviceUnregister:
            return ref(.devices, "device_id")
        case .announcementDraft, .announcementEdit, .announcementPublish, .announcementUnpublish, .announcementArchive,
            .notificationSend, .pushPreferencesSet, .orderPay, .orderShip, .orderDeliver, .orderApproveRefund, .orderRejectRefund,
            .orderResolveComplaint, .userGrantRole, .userRevokeRole, .userLock, .userUnlock, .userDeactivate, .userDelete,
            .tenantRename:
            return []
        }
    }

    /// The row after the mutation, given the row before it (`nil`: absent; returning `nil` removes it).
    /// - Parameters:
    ///   - name: The mutation.
    ///   - args: Its (validated) arguments.
    ///   - at: When it was made (ISO-8601), used for the timestamps it sets.
    ///   - context: The signed-in user.
    ///   - row: The touched row before the mutation.
    static func apply(
        _ name: MutationName, args: JSONValue, at: String, context: EffectContext, to row: JSONValue?
    ) -> JSONValue? {
        let arguments = args.objectValue ?? [:]
        let members = row?.objectValue
        let result: Members?
        switch name {
        case .todoCreate, .todoEdit, .todoComplete, .todoReopen, .todoCancel, .todoDelete, .todoRestore:
            result = todo(name, arguments, at: at, context: context, members)
        case .reminderSchedule, .reminderCancel:
            result = reminder(name, arguments, at: at, context: context, members)
        case .notificationRead, .notificationArchive, .announcementRead:
            result = reading(name, at: at, members)
        case .orderPlace, .orderCancel, .orderRequestRefund, .orderFileComplaint:
            result = order(name, arguments, at: at, context: context, members)
        case .profileUpdate:
            result = members.map { merged($0, from: arguments, keys: profileMembers, at: at) }
        case .deviceRegister, .deviceUpdateToken, .deviceUnregister:
            result = device(name, arguments, at: at, context: context, members)
        default:
            return row
        }
        return result.map(JSONValue.object)
    }

    /// The members of `profile.update` that change the profile row.
    static let profileMembers = ["nickname", "avatar_url", "email", "phone", "locale", "time_zone"]

    /// Copies the members of `keys` present in `arguments` (a `null` clears) and stamps `updated_at`.
    static func merged(_ row: Members, from arguments: Members, keys: [String], at: String) -> Members {
        var row = row
        var changed = false
        for key in keys {
            if let value = arguments[key] {
                row[key] = value
                changed = true
            }
        }
        if changed { row["updated_at"] = .string(at) }
        return row
    }

    /// A string member, or JSON `null`.
    static func string(_ value: String?) -> JSONValue {
        value.map(JSONValue.string) ?? .null
    }

    /// `notification.read` / `notification.archive` / `announcement.read` on an inbox or announcement row.
    private static func reading(_ name: MutationName, at: String, _ row: Members?) -> Members? {
        guard var row else { return nil }
        switch name {
        case .notificationArchive:
            row["archived"] = .bool(true)
        default:
            if row["read_at"] == nil || row["read_at"]?.isNull == true { row["read_at"] = .string(at) }
        }
        return row
    }
}
