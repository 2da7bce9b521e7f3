/// Reading a pull page from JSON text without `Codable` (pages carry thousands of rows).
extension PullResponse {
    /// Reads a page from its JSON text. Rows are kept as the text the server sent
    /// (``Change/rowText``) and parsed only when read through ``Change/row``.
    public init(json bytes: [UInt8]) throws {
        let page = try JSONValue.readPage(bytes)
        guard let cursor = page.members["cursor"]?.stringValue, let hasMore = page.members["has_more"]?.boolValue else {
            throw JSONValue.ParseError(offset: 0, reason: "not a pull page (cursor, has_more and changes are required)")
        }
        var changes: [Change] = []
        changes.reserveCapacity(page.changes.count)
        for element in page.changes {
            guard let entity = element.members["entity"]?.stringValue.flatMap(SyncEntity.init(rawValue:)),
                let key = element.members["key"]?.stringValue,
                let op = element.members["op"]?.stringValue.flatMap(Change.Operation.init(rawValue:))
            else {
                throw JSONValue.ParseError(offset: 0, reason: "a change needs a known entity, a key and an op")
            }
            changes.append(Change(entity: entity, key: key, op: op, rowText: element.row))
        }
        self.init(
            changes: changes, cursor: cursor, hasMore: hasMore, reset: page.members["reset"]?.boolValue ?? false,
            includedSeq: page.members["included_seq"]?.int64Value ?? 0
        )
    }
}
