import Commands
import Domain
import SyncProtocol

extension MutationPlanner {
    /// The builders of the order mutations.
    static let orderBuilders: [MutationName: Builder] = [
        .orderPlace: { _, input throws(CommandError) in
            let a = input.arguments
            let id: OrderID = try a.id("order_id")
            var items: [OrderItem] = []
            for line in try a.array("items") {
                items.append(
                    OrderItem(
                        sku: try line.string("sku"), name: try line.string("name"),
                        quantity: Int(clamping: try line.int("quantity")), unitPriceMinor: try line.int("unit_price_minor")
                    ))
            }
            let command = OrderCommand.place(id, tenantID: input.tenant, items: items, currency: try a.string("currency"))
            return .command(Order.self, id: id, command: command)
        },
        .orderCancel: { _, input throws(CommandError) in try order(input, .cancel) },
        .orderRequestRefund: { _, input throws(CommandError) in try order(input, .requestRefund) },
        .orderFileComplaint: { _, input throws(CommandError) in try order(input, .fileComplaint) },
        .orderPay: { _, input throws(CommandError) in try order(input, .pay) },
        .orderShip: { _, input throws(CommandError) in try order(input, .ship) },
        .orderDeliver: { _, input throws(CommandError) in try order(input, .deliver) },
        .orderApproveRefund: { _, input throws(CommandError) in try order(input, .approveRefund) },
        .orderRejectRefund: { _, input throws(CommandError) in try order(input, .rejectRefund) },
        .orderResolveComplaint: { _, input throws(CommandError) in try order(input, .resolveComplaint) },
    ]

    /// A transition of the order named by `order_id`, with its optional `reason`.
    private static func order(_ input: MutationInput, _ transition: OrderTransition) throws(CommandError) -> PlannedCommand {
        let id: OrderID = try input.arguments.id("order_id")
        return .command(Order.self, id: id, command: .transition(id, transition, reason: try input.arguments.optionalString("reason")))
    }
}
