import Foundation

/// Events of the ``Order`` aggregate. Every transition event carries who, when, why, and the
/// status before and after, so the status history can be rebuilt from the log alone.
public enum OrderEvent: DomainEvent {
    /// `OrderPlaced` v1.
    case placed(Placed)
    /// One of `OrderPaid`, `OrderShipped`, `OrderDelivered`, `OrderCancelled`, `OrderRefundRequested`,
    /// `OrderRefunded`, `OrderRefundRejected`, `OrderComplaintFiled`, `OrderComplaintResolved` (all v1).
    case transitioned(OrderTransition, Transitioned)

    /// Payload of `OrderPlaced`.
    public struct Placed: Codable, Sendable, Equatable {
        /// The tenant.
        public var tenantID: TenantID
        /// The order.
        public var orderID: OrderID
        /// The member who placed it.
        public var customerID: UserID
        /// Its lines.
        public var items: [OrderItem]
        /// Currency code.
        public var currency: String
        /// Sum of line totals, in minor units.
        public var totalMinor: Int64
        /// When it was placed.
        public var at: Date
    }

    /// Payload of every transition event.
    public struct Transitioned: Codable, Sendable, Equatable {
        /// The tenant.
        public var tenantID: TenantID
        /// The order.
        public var orderID: OrderID
        /// Who did it; absent when the system acted on its own.
        public var actorID: UserID?
        /// Why (at most 500 characters); absent when none was given.
        public var reason: String?
        /// Status before.
        public var from: OrderStatus
        /// Status after (equal to `from` for complaint events).
        public var to: OrderStatus
        /// When.
        public var at: Date
    }

    /// All wire names with their current schema versions.
    public static let eventTypes: [String: Int] = OrderTransition.allCases.reduce(into: ["OrderPlaced": 1]) {
        $0[$1.eventType] = 1
    }

    /// The wire name of this event.
    public var eventType: String {
        switch self {
        case .placed: "OrderPlaced"
        case .transitioned(let transition, _): transition.eventType
        }
    }

    /// The schema version of this event's data.
    public var schemaVersion: Int { Self.eventTypes[eventType] ?? 1 }

    /// The tenant of this event.
    public var tenantID: TenantID {
        switch self {
        case .placed(let placed): placed.tenantID
        case .transitioned(_, let payload): payload.tenantID
        }
    }

    /// The deterministic JSON payload.
    public func encodedData() throws -> Data {
        switch self {
        case .placed(let payload): try EventCoding.encode(payload)
        case .transitioned(_, let payload): try EventCoding.encode(payload)
        }
    }

    /// Decodes a stored payload.
    public static func decode(eventType: String, schemaVersion: Int, data: Data) throws -> OrderEvent {
        guard let current = eventTypes[eventType] else { throw EventDecodingError.unknownEventType(eventType) }
        func payload<T: Decodable>(_ type: T.Type) throws -> T {
            try EventCoding.decode(type, eventType: eventType, schemaVersion: schemaVersion, current: current, upcasters: upcasters, data: data)
        }
        if eventType == "OrderPlaced" { return .placed(try payload(Placed.self)) }
        guard let transition = OrderTransition.allCases.first(where: { $0.eventType == eventType }) else {
            throw EventDecodingError.unknownEventType(eventType)
        }
        return .transitioned(transition, try payload(Transitioned.self))
    }
}
