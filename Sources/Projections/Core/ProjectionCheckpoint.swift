import EventStore
import Foundation

/// Where a projection's live tables stand: its stored version, position and state.
public struct ProjectionCheckpoint: Sendable, Hashable, Codable {
    /// The projection's name.
    public var name: String
    /// The version of the code that built the live tables.
    public var version: Int
    /// The live tables (in schema `read`).
    public var tables: [String]
    /// The last event applied (``LogPosition/start`` when none).
    public var position: LogPosition
    /// `running` or `failed`.
    public var state: State
    /// Events applied since the tables were built.
    public var eventsApplied: Int64
    /// When the last applied event was recorded in the log.
    public var lastEventAt: Date?
    /// When the last batch was applied.
    public var lastAppliedAt: Date?
    /// The event that stopped the projection, when ``state`` is `failed`.
    public var failure: ProjectionFailure?

    /// The state of a projection's live tables.
    public enum State: String, Sendable, Codable {
        /// Applying events as they arrive.
        case running
        /// Stopped at an event it could not apply; waits for `retry` or `skip`.
        case failed
    }
}

/// The event a projection could not apply, and why.
public struct ProjectionFailure: Sendable, Hashable, Codable {
    /// Its place in the log.
    public var position: LogPosition
    /// Its id.
    public var eventID: UUID?
    /// Its type.
    public var eventType: String
    /// The error, as text.
    public var error: String
    /// When it failed.
    public var at: Date
}
