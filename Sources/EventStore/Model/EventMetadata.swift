import Foundation

/// Who and what caused an event: stored as JSON next to the event's data.
public struct EventMetadata: Hashable, Sendable, Codable {
    /// The tenant the event belongs to; also stored in its own column for filtering.
    public var tenantID: String?
    /// The user or system principal that caused the event.
    public var actorID: String?
    /// The device the change came from.
    public var deviceID: String?
    /// The client mutation (or command idempotency key) that produced the event.
    public var mutationID: String?
    /// Groups all events caused by one request or workflow.
    public var correlationID: String?
    /// The id of the event or command that directly caused this one.
    public var causationID: String?
    /// Free-form extra metadata.
    public var extra: [String: String]?

    /// Creates metadata; every field is optional.
    public init(
        tenantID: String? = nil,
        actorID: String? = nil,
        deviceID: String? = nil,
        mutationID: String? = nil,
        correlationID: String? = nil,
        causationID: String? = nil,
        extra: [String: String]? = nil
    ) {
        self.tenantID = tenantID
        self.actorID = actorID
        self.deviceID = deviceID
        self.mutationID = mutationID
        self.correlationID = correlationID
        self.causationID = causationID
        self.extra = extra
    }

    enum CodingKeys: String, CodingKey {
        case tenantID = "tenant"
        case actorID = "actor"
        case deviceID = "device"
        case mutationID = "mutation"
        case correlationID = "correlation"
        case causationID = "causation"
        case extra
    }
}
