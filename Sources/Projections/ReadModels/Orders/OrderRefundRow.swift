/// A row of `order_refunds`: one per refund request, updated when it is approved or rejected.
/// The domain refunds whole orders, so the amount is the order total.
struct OrderRefundRow: ReadRow, Equatable {
    /// The order.
    var orderID: String
    /// The request's number within the order, from 1.
    var refundNo: Int
    /// The tenant.
    var tenantID: String
    /// The order's customer.
    var customerID: String
    /// `requested`, `refunded` or `rejected`.
    var status: String
    /// The refunded amount in minor units (the order total).
    var amountMinor: Int64
    /// Currency code.
    var currency: String
    /// The order status when the refund was requested.
    var orderStatusBefore: String
    /// When it was requested.
    var requestedAt: String
    /// Who requested it.
    var requestedBy: String?
    /// The reason given.
    var requestReason: String?
    /// When it was approved or rejected.
    var decidedAt: String?
    /// Who decided.
    var decidedBy: String?
    /// The reason given for the decision.
    var decisionReason: String?
    /// The position of the last event that changed the row.
    var lastPosition: Int64

    enum CodingKeys: String, CodingKey {
        case orderID = "order_id", refundNo = "refund_no", tenantID = "tenant_id", customerID = "customer_id", status
        case amountMinor = "amount_minor", currency, orderStatusBefore = "order_status_before"
        case requestedAt = "requested_at", requestedBy = "requested_by", requestReason = "request_reason"
        case decidedAt = "decided_at", decidedBy = "decided_by", decisionReason = "decision_reason"
        case lastPosition = "last_position"
    }

    static let table = ReadTable(
        name: "order_refunds", key: ["order_id", "refund_no"],
        columns: [
            "order_id", "refund_no", "tenant_id", "customer_id", "status", "amount_minor", "currency",
            "order_status_before", "requested_at", "requested_by", "request_reason", "decided_at", "decided_by",
            "decision_reason", "last_position",
        ])

    static let schema = [
        """
        CREATE TABLE order_refunds (
            order_id uuid NOT NULL,
            refund_no integer NOT NULL CHECK (refund_no > 0),
            tenant_id uuid NOT NULL,
            customer_id uuid NOT NULL,
            status text NOT NULL CHECK (status IN ('requested', 'refunded', 'rejected')),
            amount_minor bigint NOT NULL CHECK (amount_minor >= 0),
            currency char(3) NOT NULL,
            order_status_before text NOT NULL,
            requested_at timestamptz NOT NULL,
            requested_by uuid,
            request_reason text,
            decided_at timestamptz,
            decided_by uuid,
            decision_reason text,
            last_position bigint NOT NULL,
            PRIMARY KEY (order_id, refund_no),
            CHECK ((status = 'requested') = (decided_at IS NULL))
        )
        """,
        "CREATE INDEX order_refunds_tenant_position_idx ON order_refunds (tenant_id, last_position)",
        "CREATE INDEX order_refunds_customer_position_idx ON order_refunds (tenant_id, customer_id, last_position)",
        "CREATE INDEX order_refunds_last_position_idx ON order_refunds (last_position)",
    ]

    /// The key of refund request `number` of order `order`.
    static func key(_ order: String, _ number: Int) -> ReadKey {
        ReadKey(["order_id": order, "refund_no": String(number)])
    }

    var key: ReadKey { Self.key(orderID, refundNo) }
}
