import Basics
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

    /// Brings a payload stored at `schemaVersion` to the `current` version with `upcasters`,
    /// then decodes it.
    ///
    /// A payload already at the current version is decoded from its bytes as they are; an older one
    /// goes through one upcaster per step (`schemaVersion` → `schemaVersion + 1` → … → `current`).
    /// - Throws: ``EventDecodingError`` `unsupported_schema_version` for a version newer than
    ///   `current` or older without a complete chain of upcasters, `upcast_failed` when a step cannot
    ///   rewrite the payload; a `DecodingError` when the (upcast) payload does not decode as `type`.
    static func decode<T: Decodable>(
        _ type: T.Type, eventType: String, schemaVersion: Int, current: Int, upcasters: [EventUpcaster], data: Data
    ) throws -> T {
        if schemaVersion == current { return try decode(type, from: data) }
        let upcast = try self.upcast(data, eventType: eventType, from: schemaVersion, to: current, with: upcasters)
        return try decode(type, from: upcast)
    }

    /// Applies the chain of `upcasters` of `eventType` from `version` to `current`.
    /// - Returns: The payload's JSON at version `current`.
    static func upcast(
        _ data: Data, eventType: String, from version: Int, to current: Int, with upcasters: [EventUpcaster]
    ) throws(EventDecodingError) -> Data {
        guard version >= 1, version < current else {
            throw EventDecodingError.unsupportedSchemaVersion(eventType: eventType, schemaVersion: version)
        }
        var steps: [EventUpcaster] = []
        for from in version..<current {
            guard let step = upcasters.first(where: { $0.eventType == eventType && $0.fromVersion == from }) else {
                throw EventDecodingError.unsupportedSchemaVersion(eventType: eventType, schemaVersion: version)
            }
            steps.append(step)
        }
        let stored: JSONValue
        do {
            stored = try JSONValue.parse(Array(data))
        } catch {
            throw EventDecodingError.upcastFailed(eventType: eventType, schemaVersion: version, reason: "the payload is not JSON (\(error))")
        }
        guard case .object(var payload) = stored else {
            throw EventDecodingError.upcastFailed(eventType: eventType, schemaVersion: version, reason: "the payload is not a JSON object")
        }
        for step in steps {
            payload = try step.transform(payload)
        }
        return Data(JSONValue.object(payload).jsonText.utf8)
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
        /// The schema version is not one this build can read: newer than the current one, or older
        /// without an upcaster for every step to it.
        public static let unsupportedSchemaVersion = Code("unsupported_schema_version")
        /// An upcaster could not rewrite the stored payload to the next schema version.
        public static let upcastFailed = Code("upcast_failed")
    }

    /// The stable code.
    public let code: Code
    /// The event type's wire name.
    public let eventType: String
    /// The stored schema version, for ``Code/unsupportedSchemaVersion`` and ``Code/upcastFailed``.
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

    /// The payload of `eventType` stored at `schemaVersion` could not be upcast: `reason` says why.
    public static func upcastFailed(eventType: String, schemaVersion: Int, reason: String) -> EventDecodingError {
        EventDecodingError(
            .upcastFailed, eventType: eventType, schemaVersion: schemaVersion,
            message: "schema version \(schemaVersion) of \(eventType) cannot be upcast: \(reason)"
        )
    }
}
