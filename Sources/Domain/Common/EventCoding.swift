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
public struct EventDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A stable, machine-readable code. Only this module mints codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The wire name, e.g. "unknown_event_type".
        public let rawValue: String

        private init(_ rawValue: String) { self.rawValue = rawValue }

        /// The wire name.
        public var description: String { rawValue }

        /// The wire name is not one of this aggregate's events.
        public static let unknownEventType = Code("unknown_event_type")
        /// The schema version is not one this build can read.
        public static let unsupportedSchemaVersion = Code("unsupported_schema_version")
    }

    /// The stable code.
    public let code: Code
    /// The event type's wire name.
    public let eventType: String
    /// The schema version, for ``Code/unsupportedSchemaVersion``.
    public let schemaVersion: Int?
    /// A message a person understands.
    public let message: String

    private init(_ code: Code, eventType: String, schemaVersion: Int?, message: String) {
        self.code = code
        self.eventType = eventType
        self.schemaVersion = schemaVersion
        self.message = message
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }

    /// The wire name `eventType` is not one of this aggregate's events.
    public static func unknownEventType(_ eventType: String) -> EventDecodingError {
        EventDecodingError(.unknownEventType, eventType: eventType, schemaVersion: nil, message: "\(eventType) is not an event of this aggregate")
    }

    /// Schema version `schemaVersion` of `eventType` is not one this build can read.
    public static func unsupportedSchemaVersion(eventType: String, schemaVersion: Int) -> EventDecodingError {
        EventDecodingError(
            .unsupportedSchemaVersion, eventType: eventType, schemaVersion: schemaVersion,
            message: "schema version \(schemaVersion) of \(eventType) is not one this build can read"
        )
    }
}
