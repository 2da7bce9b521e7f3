import EventStore
import Foundation

/// What `synccli projections status` shows for one projection.
public struct ProjectionStatus: Sendable, Codable {
    /// The projection's name.
    public var name: String
    /// The version in this code.
    public var codeVersion: Int
    /// The version of the live tables (`nil` before the first run).
    public var liveVersion: Int?
    /// `running`, `failed`, `not_started` or `outdated` (the live tables are of another version).
    public var state: String
    /// The last applied event.
    public var position: String
    /// The log's last event.
    public var head: String
    /// Events of this projection's types after its position.
    public var lagEvents: Int64
    /// Seconds between the oldest unapplied event and now (0 when caught up).
    public var lagSeconds: Double
    /// Events applied since the tables were built.
    public var eventsApplied: Int64
    /// When the last batch was applied.
    public var lastAppliedAt: Date?
    /// The event that stopped it, when failed.
    public var failure: ProjectionFailure?
    /// The process holding the live lease, as `application (pid N)`; `nil` when no runner runs.
    public var runner: String?
    /// A rebuild in progress: version, position and events applied.
    public var rebuild: Rebuild?

    /// A rebuild in progress.
    public struct Rebuild: Sendable, Codable {
        /// The version being built.
        public var version: Int
        /// The shadow's position.
        public var position: String
        /// Events applied to the shadow.
        public var eventsApplied: Int64
        /// Events of the projection's types after the shadow's position: what the rebuild has left.
        public var lagEvents: Int64
        /// When it started.
        public var startedAt: Date
        /// Whether a process still holds the rebuild lease (otherwise it was abandoned).
        public var active: Bool
    }
}
