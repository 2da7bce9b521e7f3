import GRDB
import SyncProtocol

/// A ``JSONValue`` is stored as its JSON text (compact, sorted keys), so records with JSON columns
/// (`mutations.args`, `rejections.args`) stay plain `Codable` structs.
///
/// GRDB prefers this conversion over `Decodable`: without it, `JSONValue`'s decoder, which probes
/// a single value, would read a JSON text column as a JSON string.
extension JSONValue: DatabaseValueConvertible {
    /// The value's JSON text (`NULL` for a value JSON cannot hold, such as a NaN number: the
    /// columns' `NOT NULL` and `json_valid` checks then refuse the write).
    public var databaseValue: DatabaseValue {
        (try? JSONText.encode(self)).databaseValue
    }

    /// The value a JSON text column holds, or `nil` when it is not JSON text.
    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> JSONValue? {
        String.fromDatabaseValue(dbValue).flatMap { try? JSONText.decode(from: $0) }
    }
}

/// A mutation name is stored as its wire name.
extension MutationName: DatabaseValueConvertible {}
