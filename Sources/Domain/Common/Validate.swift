import Foundation

/// Input checks shared by the aggregates. Every failure is an `invalid` refusal naming the field.
/// Lengths are counted in characters (grapheme clusters).
enum Validate {
    /// Trims whitespace and checks the length is within `range`.
    static func text(_ value: String, _ field: String, _ range: ClosedRange<Int>) throws(DomainError) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        try length(trimmed, field, range)
        return trimmed
    }

    /// Checks the length of `value` (untrimmed) is within `range`.
    static func length(_ value: String, _ field: String, _ range: ClosedRange<Int>) throws(DomainError) {
        if value.utf8.contains(0) { throw .invalid("\(field) must not contain the character U+0000") }
        let count = value.count
        if count < range.lowerBound {
            throw range.lowerBound == 1
                ? .invalid("\(field) must not be empty")
                : .invalid("\(field) must be at least \(range.lowerBound) characters long")
        }
        if count > range.upperBound {
            throw .invalid("\(field) must be at most \(range.upperBound) characters long")
        }
    }

    /// Lowercases `value` and checks it consists of `allowed` ASCII characters within `range`.
    static func slug(
        _ value: String, _ field: String, allowed: String, _ range: ClosedRange<Int>
    ) throws(DomainError) -> String {
        let lowered = value.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let allowedSet = Set(allowed)
        guard range.contains(lowered.count), lowered.allSatisfy(allowedSet.contains) else {
            throw .invalid(
                "\(field) must be \(range.lowerBound)-\(range.upperBound) characters of a-z, 0-9 and \(allowed.filter { !$0.isLetter && !$0.isNumber }.map { "'\($0)'" }.joined(separator: " "))"
            )
        }
        return lowered
    }

    /// Lowercase ASCII letters.
    static let lowercaseLetters = "abcdefghijklmnopqrstuvwxyz"
    /// ASCII digits.
    static let digits = "0123456789"

    /// Basic e-mail shape: `local@domain.tld`, no spaces, at most 254 characters. Returns it trimmed.
    static func email(_ value: String) throws(DomainError) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        guard trimmed.count <= 254, parts.count == 2,
            !parts[0].isEmpty, parts[0].count <= 64,
            !trimmed.contains(where: { $0.isWhitespace }),
            parts[1].contains("."),
            parts[1].split(separator: ".", omittingEmptySubsequences: false).allSatisfy({ !$0.isEmpty })
        else { throw .invalid("email must look like name@example.com") }
        return trimmed
    }

    /// A phone number: optional leading `+`, then 5-15 digits; spaces, dashes, dots and parentheses are dropped.
    static func phone(_ value: String) throws(DomainError) -> String {
        let compact = value.filter { !" -.()".contains($0) }
        let digits = compact.hasPrefix("+") ? compact.dropFirst() : Substring(compact)
        guard (5...15).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw .invalid("phone must be 5-15 digits, optionally starting with '+'")
        }
        return compact
    }

    /// A bcrypt hash: `$2a$`, `$2b$` or `$2y$`, a two-digit cost 04-31, `$`, 53 characters of bcrypt base64.
    static func bcryptHash(_ value: String) throws(DomainError) {
        let chars = Array(value)
        let alphabet = Set("./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        guard chars.count == 60,
            ["$2a$", "$2b$", "$2y$"].contains(String(chars[0..<4])),
            let cost = Int(String(chars[4..<6])), (4...31).contains(cost),
            chars[6] == "$", chars[7...].allSatisfy(alphabet.contains)
        else { throw .invalid("passwordHash must be a bcrypt hash ($2a$, $2b$ or $2y$, 60 characters)") }
    }

    /// An `http` or `https` URL of at most 2048 characters.
    static func webURL(_ value: String, _ field: String) throws(DomainError) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count <= 2048, let url = URL(string: trimmed),
            let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
            let host = url.host, !host.isEmpty
        else { throw .invalid("\(field) must be an http or https URL") }
        return trimmed
    }

    /// A BCP-47-looking language tag such as `en`, `de-CH` or `zh-Hant-TW` (at most 35 characters).
    static func locale(_ value: String) throws(DomainError) -> String {
        let parts = value.split(separator: "-", omittingEmptySubsequences: false)
        guard value.count <= 35, let first = parts.first, (2...3).contains(first.count),
            first.allSatisfy({ $0.isASCII && $0.isLetter }),
            parts.dropFirst().allSatisfy({ (1...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } })
        else { throw .invalid("locale must look like 'en' or 'de-CH'") }
        return value
    }

    /// An IANA time zone name such as `Europe/Berlin` or `UTC` (checked by shape only).
    static func timeZone(_ value: String) throws(DomainError) -> String {
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+-/")
        guard (1...64).contains(value.count), value.allSatisfy(allowed.contains),
            !value.hasPrefix("/"), !value.hasSuffix("/")
        else { throw .invalid("timeZone must be an IANA time zone name such as 'Europe/Berlin'") }
        return value
    }

    /// A reason of at most 500 characters, trimmed; `nil` or blank means none. Throws when `required` and missing.
    static func reason(_ value: String?, required: Bool, action: String) throws(DomainError) -> String? {
        let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if trimmed.isEmpty {
            if required { throw .invalid("a reason is required to \(action)") }
            return nil
        }
        try length(trimmed, "reason", 1...500)
        return trimmed
    }

    /// A date the wire can carry, truncated to milliseconds.
    static func date(_ value: Date, _ field: String) throws(DomainError) -> Date {
        guard WireDate.isRepresentable(value) else {
            throw .invalid("\(field) must be between the years 1 and 9999")
        }
        return WireDate.normalized(value)
    }
}
