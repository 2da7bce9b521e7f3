import Basics
import Crypto
import Domain
import Foundation

/// Seals and reveals the personal fields of one event payload (a JSON object). Only top-level
/// string fields are personal; an empty string (a cleared value) stays as it is.
public enum PersonalPayload {
    /// Whether `data` may hold an envelope: a fast byte search, so that payloads without personal
    /// data pass through readers untouched and unparsed.
    public static func mayHoldEnvelopes(_ data: Data) -> Bool {
        contains(data, envelopeNeedle)
    }

    private static let envelopeNeedle: [UInt8] = Array(("\"" + PersonalDataEnvelope.prefix).utf8)

    /// Whether `data` holds the bytes of `needle`.
    private static func contains(_ data: Data, _ needle: [UInt8]) -> Bool {
        guard needle.count >= 2 else { return true }
        let first = needle[0]
        let second = needle[1]
        return data.withUnsafeBytes { raw -> Bool in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard bytes.count >= needle.count else { return false }
            var index = 0
            let last = bytes.count - needle.count
            while index <= last {
                if bytes[index] == first, bytes[index + 1] == second {
                    var match = true
                    for offset in 2..<needle.count where bytes[index + offset] != needle[offset] {
                        match = false
                        break
                    }
                    if match { return true }
                }
                index += 1
            }
            return false
        }
    }

    /// Replaces the non-empty string values of `fields` in `data` with envelopes for `owner`.
    /// - Parameters:
    ///   - data: The payload (a JSON object).
    ///   - fields: The personal fields' names.
    ///   - owner: Whose data they are.
    ///   - key: The owner's data key.
    ///   - stream: The event's stream (part of each field's authenticated data).
    /// - Returns: The payload with those fields sealed; `data` itself when none is present.
    /// - Throws: ``PersonalDataError`` `malformed_payload` when `data` is not a JSON object.
    public static func seal(_ data: Data, fields: [String], owner: UUID, key: SymmetricKey, stream: String) throws(PersonalDataError) -> Data {
        var object = try parse(data)
        var changed = false
        for field in fields {
            // Every non-empty value is sealed, one that looks like an envelope too: a client may type
            // anything, and only what the server sealed may be opened.
            guard case .string(let value)? = object[field], !value.isEmpty else { continue }
            object[field] = .string(try PersonalDataEnvelope.seal(value, owner: owner, key: key, context: "\(stream)/\(field)"))
            changed = true
        }
        return changed ? Data(JSONValue.object(object).jsonText.utf8) : data
    }

    /// The user whose personal data `data` holds under `rule` (its ``PersonalFieldRule/ownerField``)
    /// and the payload's `tenantID`; `nil` when the payload names none (the rule does not apply).
    /// - Throws: ``PersonalDataError`` `malformed_payload` when `data` is not a JSON object or the
    ///   owner member is not a UUID.
    public static func owner(in data: Data, rule: PersonalFieldRule) throws(PersonalDataError) -> (user: UUID, tenant: UUID?)? {
        // Most payloads of a conditional rule (an unmarked todo's) do not name the member: not parsed.
        guard contains(data, Array("\"\(rule.ownerField)\"".utf8)) else { return nil }
        return try owner(of: try parse(data), rule: rule)
    }

    /// The owners named by the envelopes in `data`'s personal fields under `rule` (none when the
    /// payload names no owner: its fields were not sealed).
    public static func owners(in data: Data, rule: PersonalFieldRule) throws(PersonalDataError) -> Set<UUID> {
        var owners: Set<UUID> = []
        let object = try parse(data)
        guard try owner(of: object, rule: rule) != nil else { return [] }
        for field in rule.fields {
            if case .string(let text)? = object[field], let owner = PersonalDataEnvelope.owner(of: text) { owners.insert(owner) }
        }
        return owners
    }

    /// Replaces the envelope in each of `data`'s personal fields under `rule` with its plaintext,
    /// or with ``PersonalDataEnvelope/erasedMarker`` when its owner has no key in `keys`. A payload
    /// that names no owner, and fields outside the rule, are left alone, whatever they hold: only
    /// the server seals personal fields.
    /// - Throws: ``PersonalDataError`` `undecryptable` for a tampered envelope, `malformed_payload`.
    public static func reveal(_ data: Data, rule: PersonalFieldRule, keys: [UUID: SymmetricKey], stream: String) throws(PersonalDataError) -> Data {
        var object = try parse(data)
        guard try owner(of: object, rule: rule) != nil else { return data }
        var changed = false
        for field in rule.fields {
            guard case .string(let text)? = object[field], let owner = PersonalDataEnvelope.owner(of: text) else { continue }
            object[field] = .string(try PersonalDataEnvelope.open(text, key: keys[owner], context: "\(stream)/\(field)"))
            changed = true
        }
        return changed ? Data(JSONValue.object(object).jsonText.utf8) : data
    }

    private static func owner(of object: [String: JSONValue], rule: PersonalFieldRule) throws(PersonalDataError) -> (user: UUID, tenant: UUID?)? {
        guard let member = object[rule.ownerField], !member.isNull else { return nil }
        guard case .string(let text) = member, let user = UUID(uuidString: text) else {
            throw PersonalDataError(.malformedPayload, "the owner member '\(rule.ownerField)' of an event payload is not a UUID")
        }
        var tenant: UUID?
        if case .string(let text)? = object["tenantID"] { tenant = UUID(uuidString: text) }
        return (user, tenant)
    }

    private static func parse(_ data: Data) throws(PersonalDataError) -> [String: JSONValue] {
        guard let value = try? JSONValue.parse(Array(data)), case .object(let object) = value else {
            throw PersonalDataError(.malformedPayload, "an event payload is not a JSON object")
        }
        return object
    }
}
