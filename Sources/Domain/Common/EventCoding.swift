import Foundation

/// The one JSON encoding of event payloads: sorted keys, unescaped slashes, and dates as
/// ISO-8601 UTC strings with exactly three fractional digits (see ``WireDate``).
public enum EventCoding {
    /// Encodes `value` as deterministic JSON bytes.
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(WireDate.string(from: date))
        }
        return try encoder.encode(value)
    }

    /// Decodes `type` from JSON bytes written by ``encode(_:)``.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try decoder.decode(type, from: data)
    }

    /// One configured decoder for every payload: configuring a new one per event costs more than
    /// decoding a small payload. `JSONDecoder` is safe to share once its options are set.
    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = WireDate.date(from: text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "not an ISO-8601 UTC date: \(text)")
            }
            return date
        }
        return decoder
    }()

    /// Checks the stored schema version against the current one, then decodes.
    static func decode<T: Decodable>(
        _ type: T.Type, eventType: String, schemaVersion: Int, current: Int, data: Data
    ) throws -> T {
        guard schemaVersion == current else {
            throw EventDecodingError.unsupportedSchemaVersion(eventType: eventType, schemaVersion: schemaVersion)
        }
        return try decode(type, from: data)
    }
}

/// Why stored event bytes could not be turned back into an event.
public enum EventDecodingError: Error, Sendable, Equatable {
    /// The wire name is not one of this aggregate's events.
    case unknownEventType(String)
    /// The schema version is not one this build can read.
    case unsupportedSchemaVersion(eventType: String, schemaVersion: Int)
}
