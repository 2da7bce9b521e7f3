import Foundation
import Testing

@testable import Domain

@Suite("Order")
struct OrderTests {
    let id = OrderID(rawValue: UUID(uuid: (5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)))
    let tenant = Fixture.tenant
    let alice = Fixture.aliceP
    let admin = Fixture.adminP
    let items = [
        OrderItem(sku: "MUG-1", name: "Mug", quantity: 2, unitPriceMinor: 1250),
        OrderItem(sku: "TEE-XL", name: " T-shirt ", quantity: 1, unitPriceMinor: 1999),
    ]

    var place: OrderCommand { .place(id, tenantID: tenant, items: items, currency: "eur") }

    /// The state of an order driven to `status` by legal transitions.
    func order(in status: OrderStatus) throws -> OrderState? {
        let path: [(OrderCommand, Principal)] =
            switch status {
            case .pending: []
            case .paid: [(.pay(id), admin)]
            case .shipped: [(.pay(id), admin), (.ship(id), admin)]
            case .delivered: [(.pay(id), admin), (.ship(id), admin), (.deliver(id), admin)]
            case .cancelled: [(.cancel(id, reason: "changed my mind"), alice)]
            case .refundRequested: [(.pay(id), admin), (.requestRefund(id, reason: "broken"), alice)]
            case .refunded: [(.pay(id), admin), (.requestRefund(id, reason: "broken"), alice), (.approveRefund(id), admin)]
            }
        let state = try given(Order.self, [(place, alice)] + path)
        #expect(state?.status == status)
        return state
    }

    /// Who may send each transition in the table test.
    func actor(for transition: OrderTransition) -> Principal {
        transition.isFulfilment ? admin : alice
    }

    @Test("a member places an order for themselves; lines are trimmed and the total is computed")
    func placeOrder() throws {
        let events = try run(Order.self, nil, place, as: alice)
        #expect(
            events == [
                .placed(
                    .init(
                        tenantID: tenant, orderID: id, customerID: Fixture.alice,
                        items: [items[0], OrderItem(sku: "TEE-XL", name: "T-shirt", quantity: 1, unitPriceMinor: 1999)],
                        currency: "EUR", totalMinor: 4499, at: Fixture.t0))
            ])
        let state = try #require(Order.fold(events))
        #expect(state.status == .pending && state.complaint == ComplaintStatus.none && state.history.isEmpty)
    }

    @Test("placing is refused for anonymous principals, other tenants, and twice")
    func placeRefused() throws {
        expectRefusal(Order.self, nil, place, as: .anonymous, .forbidden)
        expectRefusal(Order.self, nil, place, as: Fixture.foreignAdminP, .forbidden)
        expectRefusal(Order.self, nil, place, as: Fixture.systemP, .forbidden)
        #expect(try run(Order.self, nil, place, as: .system(tenantID: tenant, onBehalfOf: Fixture.alice)).count == 1)
        expectRefusal(Order.self, try order(in: .pending), place, as: alice, .alreadyExists)
    }

    @Test(
        "order lines and currency are validated",
        arguments: [
            ([], "EUR"), (Array(repeating: OrderItem(sku: "A", name: "A", quantity: 1, unitPriceMinor: 1), count: 101), "EUR"),
            ([OrderItem(sku: "A", name: "A", quantity: 0, unitPriceMinor: 1)], "EUR"),
            ([OrderItem(sku: "A", name: "A", quantity: 10_001, unitPriceMinor: 1)], "EUR"),
            ([OrderItem(sku: "A", name: "A", quantity: 1, unitPriceMinor: -1)], "EUR"),
            ([OrderItem(sku: "", name: "A", quantity: 1, unitPriceMinor: 1)], "EUR"),
            ([OrderItem(sku: "A B", name: "A", quantity: 1, unitPriceMinor: 1)], "EUR"),
            ([OrderItem(sku: "A", name: " ", quantity: 1, unitPriceMinor: 1)], "EUR"),
            ([OrderItem(sku: "A", name: "A", quantity: 1, unitPriceMinor: 1), OrderItem(sku: "A", name: "B", quantity: 1, unitPriceMinor: 1)], "EUR"),
            ([OrderItem(sku: "A", name: "A", quantity: 10_000, unitPriceMinor: .max)], "EUR"),
            ([OrderItem(sku: "A", name: "A", quantity: 1, unitPriceMinor: .max), OrderItem(sku: "B", name: "B", quantity: 1, unitPriceMinor: 1)], "EUR"),
            ([OrderItem(sku: "A", name: "A", quantity: 1, unitPriceMinor: 1)], "EURO"),
            ([OrderItem(sku: "A", name: "A", quantity: 1, unitPriceMinor: 1)], "E1R"),
        ] as [([OrderItem], String)])
    func placeInvalid(items: [OrderItem], currency: String) {
        expectRefusal(Order.self, nil, .place(id, tenantID: tenant, items: items, currency: currency), as: alice, .invalid)
    }

    /// The legal transitions, written out independently of the implementation: (from, transition) → to.
    static let table: [OrderStatus: [OrderTransition: OrderStatus]] = [
        .pending: [.pay: .paid, .cancel: .cancelled, .fileComplaint: .pending],
        .paid: [.ship: .shipped, .cancel: .cancelled, .requestRefund: .refundRequested, .fileComplaint: .paid],
        .shipped: [.deliver: .delivered, .requestRefund: .refundRequested, .fileComplaint: .shipped],
        .delivered: [.requestRefund: .refundRequested, .fileComplaint: .delivered],
        .cancelled: [:],
        .refundRequested: [.approveRefund: .refunded, .rejectRefund: .paid, .fileComplaint: .refundRequested],
        .refunded: [.fileComplaint: .refunded],
    ]

    @Test("every status × every transition matches the state machine table", arguments: OrderStatus.allCases)
    func transitionTable(status: OrderStatus) throws {
        let state = try order(in: status)
        for transition in OrderTransition.allCases {
            let command = OrderCommand.transition(id, transition, reason: "because")
            if let expected = Self.table[status]?[transition] {
                let events = try run(Order.self, state, command, as: actor(for: transition))
                #expect(
                    events == [
                        .transitioned(
                            transition,
                            .init(
                                tenantID: tenant, orderID: id, actorID: actor(for: transition).userID, reason: "because",
                                from: status, to: expected, at: Fixture.t0))
                    ], "\(transition) from \(status)")
                #expect(Order.fold(events, from: state)?.status == expected)
            } else {
                let error = expectRefusal(Order.self, state, command, as: actor(for: transition), .illegalTransition)
                #expect(
                    error?.message.contains(status.phrase) == true || transition == .resolveComplaint,
                    "\(transition) from \(status): \(error?.message ?? "")")
            }
        }
    }

    @Test("the refusal names the current state in plain words")
    func illegalMessage() throws {
        let error = expectRefusal(Order.self, try order(in: .cancelled), .ship(id), as: admin, .illegalTransition)
        #expect(error?.message == "cannot ship an order that is cancelled")
    }

    @Test("a rejected refund returns the order to the status it had before the request")
    func rejectRefundReturns() throws {
        let delivered = try order(in: .delivered)
        let requested = Order.fold(try run(Order.self, delivered, .requestRefund(id, reason: "late"), as: alice), from: delivered)
        let rejected = try run(Order.self, requested, .rejectRefund(id, reason: "outside window"), as: admin)
        #expect(rejected.count == 1)
        guard case .transitioned(.rejectRefund, let payload) = try #require(rejected.first) else {
            Issue.record("expected OrderRefundRejected")
            return
        }
        #expect(payload.from == .refundRequested && payload.to == .delivered)
    }

    @Test("complaints open once and resolve; a second complaint needs the first resolved")
    func complaints() throws {
        let shipped = try order(in: .shipped)
        expectRefusal(Order.self, shipped, .resolveComplaint(id), as: admin, .illegalTransition)
        let filed = Order.fold(try run(Order.self, shipped, .fileComplaint(id, reason: "dented"), as: alice), from: shipped)
        #expect(filed?.complaint == .open && filed?.status == .shipped)
        let error = expectRefusal(Order.self, filed, .fileComplaint(id, reason: "again"), as: alice, .illegalTransition)
        #expect(error?.message.contains("open complaint") == true)
        let resolved = Order.fold(try run(Order.self, filed, .resolveComplaint(id, reason: "replaced"), as: admin), from: filed)
        #expect(resolved?.complaint == .resolved)
        #expect(try run(Order.self, resolved, .fileComplaint(id, reason: "still dented"), as: alice).count == 1)
    }

    @Test("cancel, refund request, refund rejection and complaint require a reason of at most 500 characters")
    func reasons() throws {
        let pending = try order(in: .pending)
        let paid = try order(in: .paid)
        let requested = try order(in: .refundRequested)
        expectRefusal(Order.self, pending, .transition(id, .cancel, reason: nil), as: alice, .invalid)
        expectRefusal(Order.self, pending, .transition(id, .cancel, reason: "   "), as: alice, .invalid)
        expectRefusal(Order.self, paid, .transition(id, .requestRefund, reason: nil), as: alice, .invalid)
        expectRefusal(Order.self, requested, .transition(id, .rejectRefund, reason: nil), as: admin, .invalid)
        expectRefusal(Order.self, pending, .transition(id, .fileComplaint, reason: nil), as: alice, .invalid)
        expectRefusal(Order.self, pending, .pay(id, reason: String(repeating: "x", count: 501)), as: admin, .invalid)
        let events = try run(Order.self, pending, .pay(id), as: admin)
        guard case .transitioned(_, let payload) = try #require(events.first) else { return }
        #expect(payload.reason == nil && payload.actorID == Fixture.boss && payload.at == Fixture.t0)
    }

    @Test("members act only on their own orders; fulfilment is for administrators and the system")
    func authorization() throws {
        let pending = try order(in: .pending)
        let paid = try order(in: .paid)
        let requested = try order(in: .refundRequested)
        let filed = Order.fold(try run(Order.self, paid, .fileComplaint(id, reason: "x"), as: alice), from: paid)
        let fulfilment: [(OrderState?, OrderCommand)] = [
            (pending, .pay(id)), (paid, .ship(id)), (try order(in: .shipped), .deliver(id)),
            (requested, .approveRefund(id)), (requested, .rejectRefund(id, reason: "no")), (filed, .resolveComplaint(id)),
        ]
        for (state, command) in fulfilment {
            expectRefusal(Order.self, state, command, as: alice, .forbidden)
            expectRefusal(Order.self, state, command, as: Fixture.foreignAdminP, .forbidden)
            #expect(try run(Order.self, state, command, as: Fixture.systemP).count == 1)
        }
        let customer: [(OrderState?, OrderCommand)] = [
            (pending, .cancel(id, reason: "x")), (paid, .requestRefund(id, reason: "x")), (paid, .fileComplaint(id, reason: "x")),
        ]
        for (state, command) in customer {
            expectRefusal(Order.self, state, command, as: Fixture.bobP, .forbidden)
            expectRefusal(Order.self, state, command, as: .anonymous, .forbidden)
            expectRefusal(Order.self, state, command, as: Fixture.foreignSystemP, .forbidden)
        }
        #expect(try run(Order.self, pending, .cancel(id, reason: "out of stock"), as: admin).count == 1)
        expectRefusal(Order.self, paid, .requestRefund(id, reason: "x"), as: admin, .forbidden)
        expectRefusal(Order.self, nil, .pay(id), as: admin, .notFound)
    }

    @Test("the status history is rebuilt from the transition events alone")
    func history() throws {
        let state = try #require(try order(in: .refunded))
        #expect(state.history.map(\.transition) == [.pay, .requestRefund, .approveRefund])
        #expect(state.history.map(\.to) == [.paid, .refundRequested, .refunded])
        #expect(zip(state.history, state.history.dropFirst()).allSatisfy { $0.to == $1.from })
    }

    @Test("order wire names are declared once each")
    func wireNames() {
        #expect(
            Set(OrderEvent.eventTypes.keys) == [
                "OrderPlaced", "OrderPaid", "OrderShipped", "OrderDelivered", "OrderCancelled", "OrderRefundRequested",
                "OrderRefunded", "OrderRefundRejected", "OrderComplaintFiled", "OrderComplaintResolved",
            ])
    }
}
