/// A row of `orders`: one per order. Orders are never deleted; `cancelled` and `refunded` are
/// final statuses.
struct OrderRow: ReadRow, Equatable {
    /// The order (a UUID).
    var orderID: String
    /// The tenant.
    var tenantID: String
    /// The member who placed it.
    var customerID: String
    /// `pending`, `paid`, `shipped`, `delivered`, `cancelled`, `refund_requested` or `refunded`.
    var status: String
    /// The status before the pending refund request, while one is pending.
    var statusBeforeRefund: String?
    /// `none`, `open` or `resolved`.
    var complaintStatus: String
    /// ISO-4217 currency code.
    var currency: String
    /// Sum of the line totals, in minor units.
    var totalMinor: Int64
    /// Number of lines.
    var itemCount: Int
    /// Refund requests so far; the pending one (if any) is `order_refunds.refund_no = refund_count`.
    var refundCount: Int
    /// Complaints so far; the open one (if any) is `order_complaints.complaint_no = complaint_count`.
    var complaintCount: Int
    /// When it was placed.
    var placedAt: String
    /// When it last changed.
    var updatedAt: String
    /// The position of the last event that changed the row.
    var lastPosition: Int64

    enum CodingKeys: String, CodingKey {
        case orderID = "order_id", tenantID = "tenant_id", customerID = "customer_id", status
        case statusBeforeRefund = "status_before_refund", complaintStatus = "complaint_status", currency
        case totalMinor = "total_minor", itemCount = "item_count", refundCount = "refund_count"
        case complaintCount = "complaint_count", placedAt = "placed_at", updatedAt = "updated_at"
        case lastPosition = "last_position"
    }

    /// The order statuses as an SQL list, for `CHECK`s.
    static let statusList = "'pending', 'paid', 'shipped', 'delivered', 'cancelled', 'refund_requested', 'refunded'"

    static let table = ReadTable(
        name: "orders", key: ["order_id"],
        columns: [
            "order_id", "tenant_id", "customer_id", "status", "status_before_refund", "complaint_status", "currency",
            "total_minor", "item_count", "refund_count", "complaint_count", "placed_at", "updated_at", "last_position",
        ])

    static let schema = [
        """
        CREATE TABLE orders (
            order_id uuid PRIMARY KEY,
            tenant_id uuid NOT NULL,
            customer_id uuid NOT NULL,
            status text NOT NULL CHECK (status IN (\(statusList))),
            status_before_refund text CHECK (status_before_refund IN (\(statusList))),
            complaint_status text NOT NULL CHECK (complaint_status IN ('none', 'open', 'resolved')),
            currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
            total_minor bigint NOT NULL CHECK (total_minor >= 0),
            item_count integer NOT NULL CHECK (item_count > 0),
            refund_count integer NOT NULL CHECK (refund_count >= 0),
            complaint_count integer NOT NULL CHECK (complaint_count >= 0),
            placed_at timestamptz NOT NULL,
            updated_at timestamptz NOT NULL,
            last_position bigint NOT NULL,
            CHECK ((status = 'refund_requested') = (status_before_refund IS NOT NULL))
        )
        """,
        "CREATE INDEX orders_tenant_position_idx ON orders (tenant_id, last_position)",
        "CREATE INDEX orders_customer_position_idx ON orders (tenant_id, customer_id, last_position)",
        "CREATE INDEX orders_tenant_status_idx ON orders (tenant_id, status)",
        "CREATE INDEX orders_last_position_idx ON orders (last_position)",
    ]

    /// The key of order `id`.
    static func key(_ id: String) -> ReadKey { ReadKey(["order_id": id]) }

    var key: ReadKey { Self.key(orderID) }
}
