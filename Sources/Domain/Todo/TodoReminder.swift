import Foundation

/// A reminder inside a todo.
public struct TodoReminder: Sendable, Equatable, Codable {
    /// What a reminder is about.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// The todo is due.
        case due
        /// The todo is overdue.
        case overdue
        /// A daily nudge.
        case daily
    }

    /// Where a reminder stands.
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        /// Waiting to fire.
        case scheduled
        /// Cancelled before it fired (also when its todo was deleted).
        case cancelled
        /// Delivered by the push dispatcher.
        case sent
    }

    /// The reminder.
    public var id: ReminderID
    /// What it is about.
    public var kind: Kind
    /// When it should fire.
    public var fireAt: Date
    /// Its status.
    public var status: Status

    /// Creates a reminder.
    public init(id: ReminderID, kind: Kind, fireAt: Date, status: Status = .scheduled) {
        self.id = id
        self.kind = kind
        self.fireAt = fireAt
        self.status = status
    }
}
