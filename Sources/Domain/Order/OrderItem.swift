/// One line of an order.
public struct OrderItem: Sendable, Hashable, Codable {
    /// Stock-keeping unit, 1-64 characters without whitespace; unique within an order.
    public var sku: String
    /// Product name, 1-200 characters.
    public var name: String
    /// How many, 1-10,000.
    public var quantity: Int
    /// Price of one unit in integer minor units of the order's currency (e.g. cents), ≥ 0.
    public var unitPriceMinor: Int64

    /// Creates an order line.
    public init(sku: String, name: String, quantity: Int, unitPriceMinor: Int64) {
        self.sku = sku
        self.name = name
        self.quantity = quantity
        self.unitPriceMinor = unitPriceMinor
    }

    /// `quantity × unitPriceMinor`, or `nil` on overflow.
    public var lineTotalMinor: Int64? {
        let (total, overflow) = Int64(quantity).multipliedReportingOverflow(by: unitPriceMinor)
        return overflow ? nil : total
    }
}
