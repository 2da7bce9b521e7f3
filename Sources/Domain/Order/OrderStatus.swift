/// Where an order stands in its lifecycle. Raw values are the wire names.
public enum OrderStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Placed, not paid yet.
    case pending
    /// Paid, not shipped yet.
    case paid
    /// Handed to the carrier.
    case shipped
    /// Arrived at the customer.
    case delivered
    /// Cancelled before shipping.
    case cancelled
    /// The customer asked for a refund; waiting for an administrator's decision.
    case refundRequested = "refund_requested"
    /// Money returned.
    case refunded

    /// How the status reads in a sentence: "an order that is …".
    public var phrase: String {
        switch self {
        case .refundRequested: "awaiting a refund decision"
        default: rawValue
        }
    }
}

/// Whether a complaint is open on an order.
public enum ComplaintStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// No complaint was ever filed.
    case none
    /// A complaint is waiting to be resolved.
    case open
    /// The last complaint was resolved; a new one may be filed.
    case resolved
}

/// A change an order can go through after it was placed. Raw values are used in messages and docs.
public enum OrderTransition: String, Sendable, Hashable, Codable, CaseIterable {
    /// pending → paid (administrator or system, e.g. the payment webhook).
    case pay
    /// paid → shipped (administrator or system).
    case ship
    /// shipped → delivered (administrator or system).
    case deliver
    /// pending/paid → cancelled (the customer, an administrator or the system; reason required).
    case cancel
    /// paid/shipped/delivered → refund requested (the customer or the system; reason required).
    case requestRefund = "request_refund"
    /// refund requested → refunded (administrator or system).
    case approveRefund = "approve_refund"
    /// refund requested → the status before the request (administrator or system; reason required).
    case rejectRefund = "reject_refund"
    /// Opens a complaint on any order that is not cancelled (the customer or the system; reason required).
    case fileComplaint = "file_complaint"
    /// Resolves the open complaint (administrator or system).
    case resolveComplaint = "resolve_complaint"

    /// The wire name of the event this transition records.
    public var eventType: String {
        switch self {
        case .pay: "OrderPaid"
        case .ship: "OrderShipped"
        case .deliver: "OrderDelivered"
        case .cancel: "OrderCancelled"
        case .requestRefund: "OrderRefundRequested"
        case .approveRefund: "OrderRefunded"
        case .rejectRefund: "OrderRefundRejected"
        case .fileComplaint: "OrderComplaintFiled"
        case .resolveComplaint: "OrderComplaintResolved"
        }
    }

    /// Whether the command must carry a reason.
    public var requiresReason: Bool {
        switch self {
        case .cancel, .requestRefund, .rejectRefund, .fileComplaint: true
        case .pay, .ship, .deliver, .approveRefund, .resolveComplaint: false
        }
    }

    /// Whether only an administrator (or the system) may perform it.
    public var isFulfilment: Bool {
        switch self {
        case .pay, .ship, .deliver, .approveRefund, .rejectRefund, .resolveComplaint: true
        case .cancel, .requestRefund, .fileComplaint: false
        }
    }

    /// How the transition reads in "cannot … an order".
    var verb: String {
        switch self {
        case .pay: "pay for"
        case .ship: "ship"
        case .deliver: "deliver"
        case .cancel: "cancel"
        case .requestRefund: "request a refund for"
        case .approveRefund: "approve a refund for"
        case .rejectRefund: "reject a refund for"
        case .fileComplaint: "file a complaint about"
        case .resolveComplaint: "resolve a complaint about"
        }
    }

    /// The status this transition leads to from `status`, or `nil` when it is illegal.
    /// `beforeRefund` is where a rejected refund returns to; `complaint` gates the complaint transitions.
    public func target(from status: OrderStatus, beforeRefund: OrderStatus?, complaint: ComplaintStatus) -> OrderStatus? {
        switch (self, status) {
        case (.pay, .pending): .paid
        case (.ship, .paid): .shipped
        case (.deliver, .shipped): .delivered
        case (.cancel, .pending), (.cancel, .paid): .cancelled
        case (.requestRefund, .paid), (.requestRefund, .shipped), (.requestRefund, .delivered): .refundRequested
        case (.approveRefund, .refundRequested): .refunded
        case (.rejectRefund, .refundRequested): beforeRefund ?? .paid
        case (.fileComplaint, _): status != .cancelled && complaint != .open ? status : nil
        case (.resolveComplaint, _): complaint == .open ? status : nil
        default: nil
        }
    }
}
