import Foundation

/// A typed identifier wrapping a `UUID`, encoded as a lowercase UUID string.
public protocol Identifier: Hashable, Codable, Sendable, CustomStringConvertible, Comparable {
    /// The wrapped UUID.
    var rawValue: UUID { get }
    /// Wraps a UUID.
    init(rawValue: UUID)
}

extension Identifier {
    /// A new random identifier.
    public init() {
        self.init(rawValue: UUID())
    }

    /// Parses a UUID string (any case); `nil` when it is not a UUID.
    public init?(_ string: String) {
        guard let uuid = UUID(uuidString: string) else { return nil }
        self.init(rawValue: uuid)
    }

    /// The lowercase UUID string.
    public var description: String {
        rawValue.uuidString.lowercased()
    }

    /// Orders identifiers by their lowercase string, for deterministic output.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        lhs.description < rhs.description
    }

    /// Decodes from a UUID string.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let uuid = UUID(uuidString: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a UUID: \(text)")
        }
        self.init(rawValue: uuid)
    }

    /// Encodes as a lowercase UUID string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
