import Foundation

extension Todo {
    /// `scheduleReminder`: a new reminder id, at most ``maxScheduledReminders`` scheduled at once.
    static func scheduleReminder(
        _ reminderID: ReminderID, kind: TodoReminder.Kind, fireAt: Date, _ todo: TodoState, now: Date
    ) throws(DomainError) -> [TodoEvent] {
        if todo.reminders[reminderID] != nil { throw .alreadyExists("reminder \(reminderID) already exists") }
        let scheduled = todo.reminders.values.filter { $0.status == .scheduled }.count
        if scheduled >= maxScheduledReminders {
            throw .conflict("a todo can have at most \(maxScheduledReminders) scheduled reminders")
        }
        let fireAt = try Validate.date(fireAt, "fireAt")
        return [
            .reminderScheduled(
                .init(
                    tenantID: todo.tenantID, todoID: todo.id, reminderID: reminderID, kind: kind, fireAt: fireAt, at: now))
        ]
    }

    /// `cancelReminder`: a scheduled reminder is cancelled; a sent one cannot be.
    static func cancelReminder(_ reminderID: ReminderID, _ todo: TodoState, now: Date) throws(DomainError) -> [TodoEvent] {
        let reminder = try existingReminder(todo, reminderID)
        switch reminder.status {
        case .scheduled: return [.reminderCancelled(.init(tenantID: todo.tenantID, todoID: todo.id, reminderID: reminderID, at: now))]
        case .cancelled: return []
        case .sent: throw .conflict("cannot cancel a reminder that was already sent")
        }
    }

    /// `markReminderSent` (system only): a scheduled reminder is sent; a cancelled one cannot be.
    static func markReminderSent(_ reminderID: ReminderID, _ todo: TodoState, now: Date) throws(DomainError) -> [TodoEvent] {
        let reminder = try existingReminder(todo, reminderID)
        switch reminder.status {
        case .scheduled: return [.reminderSent(.init(tenantID: todo.tenantID, todoID: todo.id, reminderID: reminderID, at: now))]
        case .sent: return []
        case .cancelled: throw .conflict("cannot send a reminder that was cancelled")
        }
    }

    private static func existingReminder(_ todo: TodoState, _ id: ReminderID) throws(DomainError) -> TodoReminder {
        guard let reminder = todo.reminders[id] else { throw .notFound("reminder \(id) does not exist") }
        return reminder
    }
}
