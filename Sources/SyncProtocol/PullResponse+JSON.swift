/// Reading and writing a pull page as JSON text without `Codable` (pages carry thousands of rows).
extension PullResponse {
    /// Reads a page from its JSON text.
    public init(json bytes: [UInt8]) throws {
        let value = try JSONValue.parse(bytes)
        guard let cursor = value["cursor"]?.stringValue, let hasMore = value["has_more"]?.boolValue,
              let elements = value["changes"]?.arrayValue
        else {
            throw JSONValue.ParseError(offset: 0, reason: "not a pull page (cursor, has_more and changes are required)")
        }
        var changes: [Change] = []
        changes.reserveCapacity(elements.count)
        for element in elements {
            guard let entity = element["entity"]?.stringValue.flatMap(SyncEntity.init(rawValue:)),
                  let key = element["key"]?.stringValue,
                  let op = element["op"]?.stringValue.flatMap(Change.Operation.init(rawValue:))
            else {
                throw JSONValue.ParseError(offset: 0, reason: "a change needs a known entity, a key and an op")
            }
            let row = element["row"].flatMap { $0.isNull ? nil : $0 }
            changes.append(Change(entity: entity, key: key, op: op, row: row))
        }
        self.init(
            changes: changes, cursor: cursor, hasMore: hasMore, reset: value["reset"]?.boolValue ?? false,
            includedSeq: value["included_seq"]?.int64Value ?? 0
        )
    }
}
