/// A row of `order_complaints`: one per complaint filed, updated when it is resolved.
struct OrderComplaintRow: ReadRow, Equatable {
    /// The order.
    var orderID: String
    /// The complaint's number within the order, from 1.
    var complaintNo: Int
    /// The tenant.
    var tenantID: String
    /// The order's customer.
    var customerID: String
    /// `open` or `resolved`.
    var status: String
    /// The order status when the complaint was filed.
    var orderStatus: String
    /// When it was filed.
    var filedAt: String
    /// Who filed it.
    var filedBy: String?
    /// The complaint's reason.
    var reason: String?
    /// When it was resolved.
    var resolvedAt: String?
    /// Who resolved it.
    var resolvedBy: String?
    /// The resolution's reason, if given.
    var resolution: String?
    /// The position of the last event that changed the row.
    var lastPosition: Int64

    enum CodingKeys: String, CodingKey {
        case orderID = "order_id", complaintNo = "complaint_no", tenantID = "tenant_id", customerID = "customer_id"
        case status, orderStatus = "order_status", filedAt = "filed_at", filedBy = "filed_by", reason
        case resolvedAt = "resolved_at", resolvedBy = "resolved_by", resolution, lastPosition = "last_position"
    }

    static let table = ReadTable(
        name: "order_complaints", key: ["order_id", "complaint_no"],
        columns: [
            "order_id", "complaint_no", "tenant_id", "customer_id", "status", "order_status", "filed_at", "filed_by",
            "reason", "resolved_at", "resolved_by", "resolution", "last_position",
        ])

    static let schema = [
        """
        CREATE TABLE order_complaints (
            order_id uuid NOT NULL,
            complaint_no integer NOT NULL CHECK (complaint_no > 0),
            tenant_id uuid NOT NULL,
            customer_id uuid NOT NULL,
            status text NOT NULL CHECK (status IN ('open', 'resolved')),
            order_status text NOT NULL,
            filed_at timestamptz NOT NULL,
            filed_by uuid,
            reason text,
            resolved_at timestamptz,
            resolved_by uuid,
            resolution text,
            last_position bigint NOT NULL,
            PRIMARY KEY (order_id, complaint_no),
            CHECK ((status = 'resolved') = (resolved_at IS NOT NULL))
        )
        """,
        "CREATE INDEX order_complaints_tenant_position_idx ON order_complaints (tenant_id, last_position)",
        "CREATE INDEX order_complaints_customer_position_idx ON order_complaints (tenant_id, customer_id, last_position)",
        "CREATE INDEX order_complaints_open_idx ON order_complaints (tenant_id, filed_at) WHERE status = 'open'",
        "CREATE INDEX order_complaints_last_position_idx ON order_complaints (last_position)",
    ]

    /// The key of complaint `number` of order `order`.
    static func key(_ order: String, _ number: Int) -> ReadKey {
        ReadKey(["order_id": order, "complaint_no": String(number)])
    }

    var key: ReadKey { Self.key(orderID, complaintNo) }
}
