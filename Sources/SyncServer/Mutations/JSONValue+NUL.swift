import SyncProtocol

extension JSONValue {
    /// Whether a string or member name anywhere in the value holds U+0000, which PostgreSQL's
    /// `text` and `jsonb` cannot store: such arguments are refused `invalid` up front instead of
    /// failing in the database (`503`) on every retry.
    var holdsNUL: Bool {
        switch self {
        case .string(let text): text.utf8.contains(0)
        case .array(let values): values.contains { $0.holdsNUL }
        case .object(let members): members.contains { $0.key.utf8.contains(0) || $0.value.holdsNUL }
        case .null, .bool, .number: false
        }
    }
}
