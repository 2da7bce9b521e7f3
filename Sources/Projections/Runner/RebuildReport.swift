import EventStore

/// The result of a finished blue/green rebuild.
public struct RebuildReport: Sendable, Codable {
    /// The projection.
    public var name: String
    /// The version now live.
    public var version: Int
    /// Events applied to build it (including those caught up during the swap).
    public var events: Int64
    /// Wall-clock seconds from start to swap.
    public var seconds: Double
    /// Events per second.
    public var eventsPerSecond: Double { seconds > 0 ? Double(events) / seconds : 0 }
    /// The checkpoint the new tables went live at.
    public var position: LogPosition

    enum CodingKeys: String, CodingKey {
        case name, version, events, seconds, position
    }
}
