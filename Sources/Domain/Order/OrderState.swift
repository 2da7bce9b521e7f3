import Foundation

/// The state of one placed order.
public struct OrderState: Sendable, Equatable {
    /// The order.
    public var id: OrderID
    /// The tenant.
    public var tenantID: TenantID
    /// The member who placed it.
    public var customerID: UserID
    /// Its lines.
    public var items: [OrderItem]
    /// ISO-4217 currency code, e.g. `EUR`.
    public var currency: String
    /// Sum of all line totals, in minor units.
    public var totalMinor: Int64
    /// Current status.
    public var status: OrderStatus
    /// The status before the pending refund request, while one is pending.
    public var statusBeforeRefund: OrderStatus?
    /// Complaint status.
    public var complaint: ComplaintStatus
    /// Every transition so far, oldest first.
    public var history: [OrderStatusChange]
    /// When it was placed.
    public var placedAt: Date

    /// Creates an order state.
    public init(
        id: OrderID, tenantID: TenantID, customerID: UserID, items: [OrderItem], currency: String,
        totalMinor: Int64, status: OrderStatus = .pending, statusBeforeRefund: OrderStatus? = nil,
        complaint: ComplaintStatus = .none, history: [OrderStatusChange] = [], placedAt: Date
    ) {
        self.id = id
        self.tenantID = tenantID
        self.customerID = customerID
        self.items = items
        self.currency = currency
        self.totalMinor = totalMinor
        self.status = status
        self.statusBeforeRefund = statusBeforeRefund
        self.complaint = complaint
        self.history = history
        self.placedAt = placedAt
    }
}

/// One entry of an order's status history.
public struct OrderStatusChange: Sendable, Equatable, Codable {
    /// What happened.
    public var transition: OrderTransition
    /// Status before.
    public var from: OrderStatus
    /// Status after.
    public var to: OrderStatus
    /// Who did it.
    public var actorID: UserID?
    /// Why.
    public var reason: String?
    /// When.
    public var at: Date

    /// Creates a history entry.
    public init(transition: OrderTransition, from: OrderStatus, to: OrderStatus, actorID: UserID?, reason: String?, at: Date) {
        self.transition = transition
        self.from = from
        self.to = to
        self.actorID = actorID
        self.reason = reason
        self.at = at
    }
}
