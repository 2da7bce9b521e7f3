/// The server's answer for one mutation. The same mutation id always gets the same answer.
public struct MutationResult: Sendable, Hashable, Codable {
    /// Whether the mutation took effect.
    public enum Status: String, Sendable, Hashable, Codable {
        /// Its events are in the log (possibly none, when its effect already held).
        case applied
        /// Refused for good; `code` and `message` say why. The client rolls it back.
        case rejected
    }

    /// The mutation's id.
    public var id: String
    /// The mutation's sequence number.
    public var seq: Int64
    /// Applied or rejected.
    public var status: Status
    /// The log positions of the events it appended (applied only).
    public var positions: [Int64]
    /// A stable refusal code such as `deleted`, `forbidden`, `illegal_transition` (rejected only).
    public var code: String?
    /// A message a person understands (rejected only).
    public var message: String?

    /// Creates a result.
    public init(id: String, seq: Int64, status: Status, positions: [Int64] = [], code: String? = nil, message: String? = nil) {
        self.id = id
        self.seq = seq
        self.status = status
        self.positions = positions
        self.code = code
        self.message = message
    }
}
