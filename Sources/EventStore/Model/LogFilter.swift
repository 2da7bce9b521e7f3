/// Narrows a read of the whole log. Every field left `nil` matches all events.
public struct LogFilter: Sendable, Hashable {
    /// Only events of this tenant.
    public var tenantID: String?
    /// Only events whose stream category is one of these.
    public var categories: [String]?
    /// Only events of these types.
    public var eventTypes: [String]?

    /// Creates a filter.
    public init(tenantID: String? = nil, categories: [String]? = nil, eventTypes: [String]? = nil) {
        self.tenantID = tenantID
        self.categories = categories
        self.eventTypes = eventTypes
    }

    /// Matches every event.
    public static let all = LogFilter()
}
