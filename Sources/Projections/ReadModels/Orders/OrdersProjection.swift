import Domain
import EventStore

/// The `orders`, `order_items`, `order_status_history`, `order_refunds` and `order_complaints` tables.
public struct OrdersProjection: Projection {
    /// `"orders"`.
    public let name = "orders"
    /// Version 1.
    public let version = 1
    /// Every ``OrderEvent`` type.
    public var eventTypes: [String]? { OrderEvent.eventTypes.keys.sorted() }
    /// The five order tables.
    public var tables: [ReadTable] {
        [OrderRow.table, OrderItemRow.table, OrderStatusHistoryRow.table, OrderRefundRow.table, OrderComplaintRow.table]
    }
    /// The five tables and their indexes.
    public var schema: [String] {
        OrderRow.schema + OrderItemRow.schema + OrderStatusHistoryRow.schema + OrderRefundRow.schema
            + OrderComplaintRow.schema
    }
    /// The change-feed triggers of the synced tables.
    public var liveStatements: [String] {
        [
            ChangeFeed.trigger(on: OrderRow.table, entity: "orders", user: "customer_id", key: ["order_id"]),
            ChangeFeed.trigger(on: OrderRefundRow.table, entity: "orders", user: "customer_id", key: ["order_id"]),
            ChangeFeed.trigger(on: OrderComplaintRow.table, entity: "orders", user: "customer_id", key: ["order_id"]),
        ]
    }

    /// Creates the projection.
    public init() {}

    /// The rows one batch changes.
    private struct Batch {
        var orders = RowCache<OrderRow>()
        var items = RowCache<OrderItemRow>()
        var history = RowCache<OrderStatusHistoryRow>()
        var refunds = RowCache<OrderRefundRow>()
        var complaints = RowCache<OrderComplaintRow>()
    }

    /// Applies a batch: loads the orders it touches and their pending refund and open complaint,
    /// folds the events, upserts each table once and appends the status history in one insert.
    public func apply(_ events: [RecordedEvent], in context: ProjectionContext) async throws {
        let decoded = try DecodedEvent<OrderEvent>.decodeAll(events)
        var batch = Batch()
        let orderKeys = Set(decoded.map { OrderRow.key(Self.orderID(of: $0.event)) })
        try await batch.orders.load(orderKeys, in: context)
        let stored = orderKeys.compactMap { batch.orders[$0] }
        try await batch.refunds.load(
            stored.filter { $0.status == OrderStatus.refundRequested.rawValue }
                .map { OrderRefundRow.key($0.orderID, $0.refundCount) },
            in: context)
        try await batch.complaints.load(
            stored.filter { $0.complaintStatus == ComplaintStatus.open.rawValue }
                .map { OrderComplaintRow.key($0.orderID, $0.complaintCount) },
            in: context)
        for item in decoded {
            try Self.apply(item, to: &batch)
        }
        try await batch.orders.save(in: context)
        try await batch.items.save(in: context)
        try await batch.history.append(in: context)
        try await batch.refunds.save(in: context)
        try await batch.complaints.save(in: context)
    }

    private static func apply(_ item: DecodedEvent<OrderEvent>, to batch: inout Batch) throws {
        let position = item.position
        switch item.event {
        case .placed(let placed):
            let at = ReadDate.text(placed.at)
            let id = placed.orderID.description
            let tenant = placed.tenantID.description
            batch.orders.put(
                OrderRow(
                    orderID: id, tenantID: tenant, customerID: placed.customerID.description,
                    status: OrderStatus.pending.rawValue, complaintStatus: ComplaintStatus.none.rawValue,
                    currency: placed.currency, totalMinor: placed.totalMinor, itemCount: placed.items.count,
                    refundCount: 0, complaintCount: 0, placedAt: at, updatedAt: at, lastPosition: position))
            for (index, line) in placed.items.enumerated() {
                batch.items.put(
                    OrderItemRow(
                        orderID: id, lineNo: index + 1, tenantID: tenant, sku: line.sku, name: line.name,
                        quantity: line.quantity, unitPriceMinor: line.unitPriceMinor,
                        lineTotalMinor: line.lineTotalMinor ?? 0, lastPosition: position))
            }
            batch.history.put(
                OrderStatusHistoryRow(
                    orderID: id, seq: item.recorded.streamVersion, tenantID: tenant, transition: "place",
                    toStatus: OrderStatus.pending.rawValue, actorID: placed.customerID.description, at: at,
                    lastPosition: position))
        case .transitioned(let transition, let payload):
            try applyTransition(transition, payload, item, to: &batch)
        }
    }

    private static func applyTransition(
        _ transition: OrderTransition, _ payload: OrderEvent.Transitioned, _ item: DecodedEvent<OrderEvent>,
        to batch: inout Batch
    ) throws {
        let position = item.position
        let at = ReadDate.text(payload.at)
        let actor = payload.actorID?.description
        let orderKey = OrderRow.key(payload.orderID.description)
        guard var order = batch.orders[orderKey] else { throw item.missing(OrderRow.table, orderKey) }
        switch transition {
        case .pay, .ship, .deliver, .cancel:
            break
        case .requestRefund:
            order.refundCount += 1
            order.statusBeforeRefund = payload.from.rawValue
            batch.refunds.put(
                OrderRefundRow(
                    orderID: order.orderID, refundNo: order.refundCount, tenantID: order.tenantID,
                    customerID: order.customerID, status: "requested", amountMinor: order.totalMinor,
                    currency: order.currency, orderStatusBefore: payload.from.rawValue, requestedAt: at,
                    requestedBy: actor, requestReason: payload.reason, lastPosition: position))
        case .approveRefund, .rejectRefund:
            order.statusBeforeRefund = nil
            let decision = transition == .approveRefund ? "refunded" : "rejected"
            try batch.refunds.update(OrderRefundRow.key(order.orderID, order.refundCount), for: item) { row in
                row.status = decision
                row.decidedAt = at
                row.decidedBy = actor
                row.decisionReason = payload.reason
                row.lastPosition = position
            }
        case .fileComplaint:
            order.complaintCount += 1
            order.complaintStatus = ComplaintStatus.open.rawValue
            batch.complaints.put(
                OrderComplaintRow(
                    orderID: order.orderID, complaintNo: order.complaintCount, tenantID: order.tenantID,
                    customerID: order.customerID, status: "open", orderStatus: payload.from.rawValue, filedAt: at,
                    filedBy: actor, reason: payload.reason, lastPosition: position))
        case .resolveComplaint:
            order.complaintStatus = ComplaintStatus.resolved.rawValue
            try batch.complaints.update(OrderComplaintRow.key(order.orderID, order.complaintCount), for: item) { row in
                row.status = "resolved"
                row.resolvedAt = at
                row.resolvedBy = actor
                row.resolution = payload.reason
                row.lastPosition = position
            }
        }
        order.status = payload.to.rawValue
        order.updatedAt = at
        order.lastPosition = position
        batch.orders.put(order)
        batch.history.put(
            OrderStatusHistoryRow(
                orderID: order.orderID, seq: item.recorded.streamVersion, tenantID: order.tenantID,
                transition: transition.rawValue, fromStatus: payload.from.rawValue, toStatus: payload.to.rawValue,
                actorID: actor, reason: payload.reason, at: at, lastPosition: position))
    }

    private static func orderID(of event: OrderEvent) -> String {
        switch event {
        case .placed(let payload): payload.orderID.description
        case .transitioned(_, let payload): payload.orderID.description
        }
    }
}
