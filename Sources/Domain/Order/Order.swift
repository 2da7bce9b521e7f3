import Foundation

/// An order placed by a member and fulfilled by the tenant's administrators.
///
/// State machine (see ``OrderTransition/target(from:beforeRefund:complaint:)``):
/// pending → paid → shipped → delivered; cancel from pending or paid; refund requested from
/// paid, shipped or delivered, then refunded or back to where it was; complaints on any order
/// that is not cancelled. Illegal transitions are refused with `illegal_transition`.
public enum Order: Aggregate {
    /// Stream ids are order ids.
    public typealias ID = OrderID
    /// `nil` until `OrderPlaced`.
    public typealias State = OrderState?

    /// `"order"`.
    public static let category = "order"
    /// No order yet.
    public static let initialState: OrderState? = nil

    /// Decides an order command.
    public static func decide(
        _ command: OrderCommand, state: OrderState?, context: CommandContext
    ) throws(DomainError) -> [OrderEvent] {
        let now = context.timestamp
        switch command {
        case .place(let id, let tenantID, let items, let currency):
            try Access.inTenant(context, tenantID, to: "place orders")
            let customer = try Access.actingUser(context, to: "place an order")
            if state != nil { throw .alreadyExists("order \(id) already exists") }
            let (lines, total) = try validated(items)
            let currency = currency.trimmingCharacters(in: .whitespaces).uppercased()
            guard currency.count == 3, currency.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
                throw .invalid("currency must be a three-letter ISO-4217 code such as EUR")
            }
            return [
                .placed(
                    .init(
                        tenantID: tenantID, orderID: id, customerID: customer, items: lines,
                        currency: currency, totalMinor: total, at: now))
            ]

        case .transition(let id, let transition, let reason):
            guard let order = state, order.id == id else { throw .notFound("order \(id) does not exist") }
            if transition.isFulfilment {
                try Access.admin(context, order.tenantID, to: "\(transition.verb) orders")
            } else {
                try Access.owner(
                    context, order.tenantID, order.customerID, orAdmin: transition == .cancel,
                    to: "\(transition.verb) orders")
            }
            guard
                let target = transition.target(
                    from: order.status, beforeRefund: order.statusBeforeRefund, complaint: order.complaint)
            else { throw illegal(transition, order) }
            let reason = try Validate.reason(reason, required: transition.requiresReason, action: "\(transition.verb) an order")
            return [
                .transitioned(
                    transition,
                    .init(
                        tenantID: order.tenantID, orderID: id, actorID: context.principal.userID, reason: reason,
                        from: order.status, to: target, at: now))
            ]
        }
    }

    /// Applies an order event.
    public static func evolve(_ state: OrderState?, _ event: OrderEvent) -> OrderState? {
        switch event {
        case .placed(let placed):
            return OrderState(
                id: placed.orderID, tenantID: placed.tenantID, customerID: placed.customerID, items: placed.items,
                currency: placed.currency, totalMinor: placed.totalMinor, placedAt: placed.at)
        case .transitioned(let transition, let payload):
            guard var order = state else { return state }
            switch transition {
            case .requestRefund: order.statusBeforeRefund = payload.from
            case .approveRefund, .rejectRefund: order.statusBeforeRefund = nil
            case .fileComplaint: order.complaint = .open
            case .resolveComplaint: order.complaint = .resolved
            case .pay, .ship, .deliver, .cancel: break
            }
            order.status = payload.to
            order.history.append(
                OrderStatusChange(
                    transition: transition, from: payload.from, to: payload.to,
                    actorID: payload.actorID, reason: payload.reason, at: payload.at))
            return order
        }
    }

    /// The refusal for an illegal transition, naming the current state.
    static func illegal(_ transition: OrderTransition, _ order: OrderState) -> DomainError {
        switch transition {
        case .fileComplaint where order.complaint == .open && order.status != .cancelled:
            .illegalTransition("cannot file a complaint about an order that already has an open complaint")
        case .resolveComplaint:
            .illegalTransition("cannot resolve a complaint about an order that has no open complaint (it is \(order.status.phrase))")
        default:
            .illegalTransition("cannot \(transition.verb) an order that is \(order.status.phrase)")
        }
    }

    /// Checks lines and returns them normalised with the order total.
    static func validated(_ items: [OrderItem]) throws(DomainError) -> ([OrderItem], Int64) {
        guard (1...100).contains(items.count) else {
            throw .invalid("an order needs 1-100 items, not \(items.count)")
        }
        var skus = Set<String>()
        var lines: [OrderItem] = []
        var total: Int64 = 0
        for item in items {
            let sku = try Validate.text(item.sku, "sku", 1...64)
            guard !sku.contains(where: { $0.isWhitespace }) else { throw .invalid("sku must not contain spaces") }
            guard skus.insert(sku).inserted else { throw .invalid("sku \(sku) appears more than once") }
            let name = try Validate.text(item.name, "item name", 1...200)
            guard (1...10_000).contains(item.quantity) else {
                throw .invalid("quantity of \(sku) must be between 1 and 10000")
            }
            guard item.unitPriceMinor >= 0 else { throw .invalid("unit price of \(sku) must not be negative") }
            let line = OrderItem(sku: sku, name: name, quantity: item.quantity, unitPriceMinor: item.unitPriceMinor)
            guard let lineTotal = line.lineTotalMinor else { throw .invalid("the total of \(sku) is too large") }
            let (sum, overflow) = total.addingReportingOverflow(lineTotal)
            guard !overflow else { throw .invalid("the order total is too large") }
            total = sum
            lines.append(line)
        }
        return (lines, total)
    }
}
