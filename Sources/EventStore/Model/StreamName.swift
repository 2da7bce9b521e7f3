/// The name of an event stream: `category-id`, for example `todo-3f1c…`.
///
/// Rules: the category is 1-50 characters, starts with a lower-case ASCII letter and holds only ASCII
/// letters and digits (no `-`); the id follows the first `-`, is 1-200 characters of ASCII letters,
/// digits and `_ . : @ -`, and starts with a letter or digit.
public struct StreamName: Hashable, Sendable, CustomStringConvertible, Codable {
    /// The full stream name.
    public let rawValue: String

    /// Validates and creates a stream name.
    /// - Parameter rawValue: The full name, `category-id`.
    /// - Throws: ``EventStoreError/Code/invalidStreamName`` when the name breaks the rules.
    public init(_ rawValue: String) throws(EventStoreError) {
        guard Self.isValid(rawValue) else {
            throw EventStoreError(
                .invalidStreamName,
                "stream name '\(rawValue.prefix(80))' is invalid: use 'category-id', a category of 1-50 letters and digits starting with a lower-case letter, then an id of 1-200 letters, digits or _.:@-",
                stream: String(rawValue.prefix(80))
            )
        }
        self.rawValue = rawValue
    }

    /// Creates a stream name from a category and an id.
    /// - Throws: ``EventStoreError/Code/invalidStreamName`` when either part breaks the rules.
    public init(category: String, id: String) throws(EventStoreError) {
        try self.init("\(category)-\(id)")
    }

    /// The part before the first `-`.
    public var category: String {
        String(rawValue.prefix { $0 != "-" })
    }

    /// The part after the first `-`.
    public var id: String {
        guard let dash = rawValue.firstIndex(of: "-") else { return "" }
        return String(rawValue[rawValue.index(after: dash)...])
    }

    /// The full name.
    public var description: String { rawValue }

    /// Decodes and validates a stream name.
    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        try self.init(raw)
    }

    /// Encodes the full name.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// Whether `category` is a valid stream category.
    public static func isValidCategory(_ category: String) -> Bool {
        let bytes = Array(category.utf8)
        guard (1...50).contains(bytes.count), let first = bytes.first, isLower(first) else { return false }
        return bytes.allSatisfy { isLower($0) || isUpper($0) || isDigit($0) }
    }

    static func isValid(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let dash = bytes.firstIndex(of: UInt8(ascii: "-")) else { return false }
        let category = bytes[..<dash]
        let id = bytes[(dash + 1)...]
        guard (1...50).contains(category.count), let first = category.first, isLower(first),
            category.allSatisfy({ isLower($0) || isUpper($0) || isDigit($0) })
        else { return false }
        guard (1...200).contains(id.count), let idFirst = id.first,
            isLower(idFirst) || isUpper(idFirst) || isDigit(idFirst)
        else { return false }
        let extra: Set<UInt8> = [UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: ":"), UInt8(ascii: "@"), UInt8(ascii: "-")]
        return id.allSatisfy { isLower($0) || isUpper($0) || isDigit($0) || extra.contains($0) }
    }

    private static func isLower(_ b: UInt8) -> Bool { b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") }
    private static func isUpper(_ b: UInt8) -> Bool { b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") }
    private static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
}
