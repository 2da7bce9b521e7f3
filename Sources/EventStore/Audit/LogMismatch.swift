/// The first place where the log and its seals disagree, as ``LogVerifier`` found it.
public struct LogMismatch: Sendable, Hashable, CustomStringConvertible {
    /// What differs.
    public enum Kind: String, Sendable, Hashable {
        /// A sealed event's stored content differs from what was sealed.
        case altered
        /// A sealed event is no longer in the log.
        case missing
        /// An event that was never sealed sits among sealed ones.
        case inserted
        /// Sealed events are all present but in another order.
        case reordered
        /// A seal itself was changed: its hash does not follow from the block before it.
        case sealAltered = "seal_altered"
        /// A block of seals is missing (the block numbers have a gap).
        case sealMissing = "seal_missing"
    }

    /// What differs.
    public var kind: Kind
    /// The event's global position (not for the seal kinds).
    public var position: Int64?
    /// The block of seals concerned.
    public var block: Int64
    /// The event's stream and type as stored now, when it is still there.
    public var stream: String?
    /// The event's type as stored now, when it is still there.
    public var type: String?

    /// Creates a mismatch.
    public init(kind: Kind, position: Int64?, block: Int64, stream: String? = nil, type: String? = nil) {
        self.kind = kind
        self.position = position
        self.block = block
        self.stream = stream
        self.type = type
    }

    /// A sentence for the operator.
    public var description: String {
        let event = position.map { "the event at position \($0)" } ?? "an event"
        let named = [stream.map { "stream \($0)" }, type.map { "type \($0)" }].compactMap { $0 }.joined(separator: ", ")
        let what = named.isEmpty ? event : "\(event) (\(named))"
        switch kind {
        case .altered: return "\(what) differs from what block \(block) sealed: its content or its place in the log was changed"
        case .missing: return "\(event), sealed in block \(block), is no longer in the log"
        case .inserted: return "\(what) is not in block \(block) that covers its place: it was inserted after sealing"
        case .reordered: return "\(event), sealed in block \(block), is present but in another order"
        case .sealAltered: return "seal block \(block) was changed: its hash does not follow from the block before it"
        case .sealMissing: return "seal block \(block) is missing"
        }
    }
}
