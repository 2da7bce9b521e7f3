/// A row of `order_status_history`: append-only, one per `OrderPlaced` and per transition event.
struct OrderStatusHistoryRow: ReadRow, Equatable {
    /// The order.
    var orderID: String
    /// The event's version in the order's stream (1 for `OrderPlaced`).
    var seq: Int64
    /// The tenant.
    var tenantID: String
    /// `place` or the transition's name (`pay`, `ship`, `request_refund`, …).
    var transition: String
    /// Status before; absent for `place`.
    var fromStatus: String?
    /// Status after (equal to `from_status` for complaint events).
    var toStatus: String
    /// Who did it; absent when the system acted on its own.
    var actorID: String?
    /// Why, if a reason was given.
    var reason: String?
    /// When.
    var at: String
    /// The event's position.
    var lastPosition: Int64

    enum CodingKeys: String, CodingKey {
        case orderID = "order_id", seq, tenantID = "tenant_id", transition, fromStatus = "from_status"
        case toStatus = "to_status", actorID = "actor_id", reason, at, lastPosition = "last_position"
    }

    static let table = ReadTable(
        name: "order_status_history", key: ["order_id", "seq"],
        columns: [
            "order_id", "seq", "tenant_id", "transition", "from_status", "to_status", "actor_id", "reason", "at",
            "last_position",
        ])

    static let schema = [
        """
        CREATE TABLE order_status_history (
            order_id uuid NOT NULL,
            seq bigint NOT NULL CHECK (seq > 0),
            tenant_id uuid NOT NULL,
            transition text NOT NULL,
            from_status text CHECK (from_status IN (\(OrderRow.statusList))),
            to_status text NOT NULL CHECK (to_status IN (\(OrderRow.statusList))),
            actor_id uuid,
            reason text,
            at timestamptz NOT NULL,
            last_position bigint NOT NULL,
            PRIMARY KEY (order_id, seq),
            CHECK ((transition = 'place') = (from_status IS NULL))
        )
        """,
        "CREATE INDEX order_status_history_tenant_position_idx ON order_status_history (tenant_id, last_position)",
        "CREATE INDEX order_status_history_tenant_at_idx ON order_status_history (tenant_id, at)",
        "CREATE INDEX order_status_history_last_position_idx ON order_status_history (last_position)",
    ]

    var key: ReadKey { ReadKey(["order_id": orderID, "seq": String(seq)]) }
}
