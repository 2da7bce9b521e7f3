/// A role a user holds within their tenant. Raw values are the wire names.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// An ordinary member: manages their own todos, devices, profile, inbox and orders.
    case member
    /// A tenant administrator: manages users, announcements, notifications and order fulfilment.
    case admin

    /// Orders roles by their wire name, for deterministic encoding.
    public static func < (lhs: Role, rhs: Role) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
