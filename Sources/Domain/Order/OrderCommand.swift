/// Commands of the ``Order`` aggregate.
public enum OrderCommand: Sendable, Equatable {
    /// Places an order for the acting member: 1-100 lines, one currency.
    case place(OrderID, tenantID: TenantID, items: [OrderItem], currency: String)
    /// Moves a placed order through its lifecycle; see ``OrderTransition`` for who may and when.
    case transition(OrderID, OrderTransition, reason: String?)

    /// The order this command targets.
    public var orderID: OrderID {
        switch self {
        case .place(let id, _, _, _), .transition(let id, _, _): id
        }
    }

    /// pending → paid.
    public static func pay(_ id: OrderID, reason: String? = nil) -> OrderCommand { .transition(id, .pay, reason: reason) }
    /// paid → shipped.
    public static func ship(_ id: OrderID, reason: String? = nil) -> OrderCommand { .transition(id, .ship, reason: reason) }
    /// shipped → delivered.
    public static func deliver(_ id: OrderID, reason: String? = nil) -> OrderCommand { .transition(id, .deliver, reason: reason) }
    /// pending/paid → cancelled.
    public static func cancel(_ id: OrderID, reason: String) -> OrderCommand { .transition(id, .cancel, reason: reason) }
    /// paid/shipped/delivered → refund requested.
    public static func requestRefund(_ id: OrderID, reason: String) -> OrderCommand {
        .transition(id, .requestRefund, reason: reason)
    }
    /// refund requested → refunded.
    public static func approveRefund(_ id: OrderID, reason: String? = nil) -> OrderCommand {
        .transition(id, .approveRefund, reason: reason)
    }
    /// refund requested → previous status.
    public static func rejectRefund(_ id: OrderID, reason: String) -> OrderCommand {
        .transition(id, .rejectRefund, reason: reason)
    }
    /// Opens a complaint.
    public static func fileComplaint(_ id: OrderID, reason: String) -> OrderCommand {
        .transition(id, .fileComplaint, reason: reason)
    }
    /// Resolves the open complaint.
    public static func resolveComplaint(_ id: OrderID, reason: String? = nil) -> OrderCommand {
        .transition(id, .resolveComplaint, reason: reason)
    }
}
