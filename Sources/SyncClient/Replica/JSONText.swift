import Foundation
import SyncProtocol

/// The JSON text stored in the replica's `data`, `args` and `positions` columns.
enum JSONText {
    /// Encodes a value as compact JSON with sorted keys (stable text for equal values).
    static func encode<Value: Encodable>(_ value: Value) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw SyncClientError(.database, "a value could not be encoded as JSON", underlying: error)
        }
    }

    /// Decodes JSON text.
    static func decode<Value: Decodable>(_ type: Value.Type = JSONValue.self, from text: String) throws -> Value {
        do {
            return try JSONDecoder().decode(type, from: Data(text.utf8))
        } catch {
            throw SyncClientError(.database, "the replica holds JSON that does not decode", underlying: error)
        }
    }
}
