import Commands
import Domain
import Foundation
import SyncProtocol

/// Typed access to a mutation's JSON arguments; every mistake is an `invalid` refusal that names
/// the member.
struct MutationArguments: Sendable {
    let members: [String: JSONValue]
    let name: String

    init(_ args: JSONValue, name: String) throws(CommandError) {
        guard let members = args.objectValue else {
            throw CommandError(.invalid, "the arguments of \(name) must be a JSON object")
        }
        // PostgreSQL cannot store U+0000 (valid JSON, but not valid in `text` or `jsonb`).
        for (key, value) in members where key.utf8.contains(0) || value.holdsNUL {
            let shown = String(key.prefix(64).map { $0 == "\u{0}" ? "\u{FFFD}" : $0 })
            throw CommandError(.invalid, "'\(shown)' of \(name) must not contain the character U+0000")
        }
        self.members = members
        self.name = name
    }

    /// Whether the member is present (possibly `null`).
    func has(_ key: String) -> Bool { members[key] != nil }

    func string(_ key: String) throws(CommandError) -> String {
        guard let value = try optionalString(key) else { throw missing(key, "a string") }
        return value
    }

    func optionalString(_ key: String) throws(CommandError) -> String? {
        guard let value = members[key], !value.isNull else { return nil }
        guard let string = value.stringValue else { throw wrong(key, "a string") }
        return string
    }

    func id<ID: Identifier>(_ key: String, as type: ID.Type = ID.self) throws(CommandError) -> ID {
        guard let id = ID(try string(key)) else { throw wrong(key, "a UUID") }
        return id
    }

    func int(_ key: String) throws(CommandError) -> Int64 {
        guard let value = members[key] else { throw missing(key, "an integer") }
        guard let number = value.int64Value else { throw wrong(key, "an integer") }
        return number
    }

    func bool(_ key: String) throws(CommandError) -> Bool? {
        guard let value = members[key], !value.isNull else { return nil }
        guard let bool = value.boolValue else { throw wrong(key, "true or false") }
        return bool
    }

    func strings(_ key: String) throws(CommandError) -> [String]? {
        guard let value = members[key], !value.isNull else { return nil }
        guard let array = value.arrayValue else { throw wrong(key, "an array of strings") }
        var result: [String] = []
        for element in array {
            guard let string = element.stringValue else { throw wrong(key, "an array of strings") }
            result.append(string)
        }
        return result
    }

    func date(_ key: String) throws(CommandError) -> Date? {
        guard let text = try optionalString(key) else { return nil }
        guard let date = WireDate.date(from: text) else { throw wrong(key, "an ISO-8601 date") }
        return date
    }

    func requiredDate(_ key: String) throws(CommandError) -> Date {
        guard let date = try date(key) else { throw missing(key, "an ISO-8601 date") }
        return date
    }

    func enumeration<Value: RawRepresentable>(_ key: String, as type: Value.Type = Value.self) throws(CommandError) -> Value? where Value.RawValue == String {
        guard let text = try optionalString(key) else { return nil }
        guard let value = Value(rawValue: text) else { throw wrong(key, "one of the documented values") }
        return value
    }

    func array(_ key: String) throws(CommandError) -> [MutationArguments] {
        guard let array = members[key]?.arrayValue else { throw missing(key, "an array") }
        var result: [MutationArguments] = []
        for element in array { result.append(try MutationArguments(element, name: "\(name).\(key)[]")) }
        return result
    }

    private func missing(_ key: String, _ kind: String) -> CommandError {
        CommandError(.invalid, "\(name) needs '\(key)' (\(kind))")
    }

    private func wrong(_ key: String, _ kind: String) -> CommandError {
        CommandError(.invalid, "'\(key)' of \(name) must be \(kind)")
    }
}
