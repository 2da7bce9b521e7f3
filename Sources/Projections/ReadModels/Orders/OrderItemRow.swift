/// A row of `order_items`: one per order line, written when the order is placed.
struct OrderItemRow: ReadRow, Equatable {
    /// The order.
    var orderID: String
    /// The line's place in the order, from 1.
    var lineNo: Int
    /// The tenant.
    var tenantID: String
    /// Stock-keeping unit.
    var sku: String
    /// Product name.
    var name: String
    /// How many.
    var quantity: Int
    /// Price of one unit in minor units.
    var unitPriceMinor: Int64
    /// `quantity × unit_price_minor`.
    var lineTotalMinor: Int64
    /// The position of the `OrderPlaced` event.
    var lastPosition: Int64

    enum CodingKeys: String, CodingKey {
        case orderID = "order_id", lineNo = "line_no", tenantID = "tenant_id", sku, name, quantity
        case unitPriceMinor = "unit_price_minor", lineTotalMinor = "line_total_minor", lastPosition = "last_position"
    }

    static let table = ReadTable(
        name: "order_items", key: ["order_id", "line_no"],
        columns: [
            "order_id", "line_no", "tenant_id", "sku", "name", "quantity", "unit_price_minor", "line_total_minor",
            "last_position",
        ])

    static let schema = [
        """
        CREATE TABLE order_items (
            order_id uuid NOT NULL,
            line_no integer NOT NULL CHECK (line_no > 0),
            tenant_id uuid NOT NULL,
            sku text NOT NULL,
            name text NOT NULL,
            quantity integer NOT NULL CHECK (quantity > 0),
            unit_price_minor bigint NOT NULL CHECK (unit_price_minor >= 0),
            line_total_minor bigint NOT NULL CHECK (line_total_minor = quantity * unit_price_minor),
            last_position bigint NOT NULL,
            PRIMARY KEY (order_id, line_no)
        )
        """,
        "CREATE INDEX order_items_tenant_position_idx ON order_items (tenant_id, last_position)",
        "CREATE INDEX order_items_tenant_sku_idx ON order_items (tenant_id, sku)",
        "CREATE INDEX order_items_last_position_idx ON order_items (last_position)",
    ]

    var key: ReadKey { ReadKey(["order_id": orderID, "line_no": String(lineNo)]) }
}
