import SyncProtocol

extension LocalEffects {
    /// The effect of an order mutation on its `orders` row, following the domain's state machine.
    static func order(
        _ name: MutationName, _ arguments: Members, at: String, context: EffectContext, _ row: Members?
    ) -> Members? {
        switch name {
        case .orderPlace:
            if let row { return row }
            return newOrder(arguments, at: at, context: context)
        case .orderCancel:
            return orderTransition(row, from: ["pending", "paid"], to: "cancelled", at: at)
        case .orderRequestRefund:
            return orderTransition(row, from: ["paid", "shipped", "delivered"], to: "refund_requested", at: at)
        case .orderFileComplaint:
            guard var row else { return nil }
            let status = row["status"]?.stringValue ?? ""
            let complaint = row["complaint_status"]?.stringValue ?? "none"
            guard status != "cancelled", complaint != "open" else { return row }
            row["complaint_status"] = .string("open")
            row["updated_at"] = .string(at)
            return row
        default:
            return row
        }
    }

    /// The row `order.place` inserts: status pending, lines numbered 1…n, totals computed.
    private static func newOrder(_ arguments: Members, at: String, context: EffectContext) -> Members {
        var total: Int64 = 0
        var items: [JSONValue] = []
        for (index, item) in (arguments["items"]?.arrayValue ?? []).enumerated() {
            let quantity = item["quantity"]?.int64Value ?? 0
            let price = item["unit_price_minor"]?.int64Value ?? 0
            let product = quantity.multipliedReportingOverflow(by: price)
            let line = product.overflow ? Int64.max : product.partialValue
            let sum = total.addingReportingOverflow(line)
            total = sum.overflow ? Int64.max : sum.partialValue
            items.append(
                .object([
                    "line_no": .number(Double(index + 1)),
                    "sku": item["sku"] ?? .null,
                    "name": item["name"] ?? .null,
                    "quantity": .number(Double(quantity)),
                    "unit_price_minor": .number(Double(price)),
                    "line_total_minor": .number(Double(line)),
                ]))
        }
        return [
            "order_id": arguments["order_id"] ?? .null,
            "tenant_id": string(context.tenantID),
            "customer_id": string(context.userID),
            "status": .string("pending"),
            "complaint_status": .string("none"),
            "currency": arguments["currency"] ?? .null,
            "total_minor": .number(Double(total)),
            "item_count": .number(Double(items.count)),
            "placed_at": .string(at),
            "updated_at": .string(at),
            "items": .array(items),
            "history": .array([]),
            "refunds": .array([]),
            "complaints": .array([]),
        ]
    }

    /// Moves an order's status when the state machine allows it; otherwise the row stays.
    private static func orderTransition(_ row: Members?, from: Set<String>, to: String, at: String) -> Members? {
        guard var row else { return nil }
        guard let status = row["status"]?.stringValue, from.contains(status) else { return row }
        row["status"] = .string(to)
        row["updated_at"] = .string(at)
        return row
    }
}
