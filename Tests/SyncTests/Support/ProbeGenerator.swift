import Foundation
import SyncProtocol
import TidemarkTestSupport

@testable import SyncServer

/// Makes random requests: mutated cursors, odd page sizes, pushes with extreme ids and sequence
/// numbers, deep JSON, and junk ids in paths.
struct ProbeGenerator {
    let genuine: [String]
    /// The server's cursor key: forgeries with a valid MAC test the checks behind it.
    let signer: CursorSigner

    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    /// JSON texts put into cursor members.
    static let extremes = [
        "-1", "0", "1", "7", "8", "-9223372036854775808", "9223372036854775807", "18446744073709551615", "18446744073709551616",
        "1e300", "-1e300", "0.5", #""1""#, #""""#, "\"" + String(repeating: "f", count: 400) + "\"",
        #""00000000-0000-0000-0000-000000000000:zz""#, #""💥""#, "null", "true", "[]", "{}",
    ]
    static let limits = [
        "-1", "0", "1", "2", "5000", "5001", "-9223372036854775808", "9223372036854775807", "9223372036854775808",
        "1234567890123456789012345", "abc", "1e3", "+5", "0x10", "", "%20", "٣", "1.0", "%00",
    ]
    static let seqs = [
        "0", "-1", "1", "2", "3", "1000000", "1000002", "9007199254740991", "9007199254740992", "9223372036854775807",
        "-9223372036854775808", "9223372036854775808", "1e30", "1.5", "\"1\"", "null", "[]", "123456789012345678901234567890",
    ]
    static let ids = [
        "", "a", String(repeating: "x", count: 100), String(repeating: "y", count: 101), String(repeating: "z", count: 5000),
        String(repeating: "🙂", count: 25), String(repeating: "🙂", count: 26), "\\u0000", "\\ud800", "\\ud800\\u0041", "m-1", "m-2",
        UUID().uuidString,
    ]
    static let names = ["todo.create", "todo.edit", "todo.complete", "order.place", "", "todo.", String(repeating: "n", count: 65), "💥"]
    static let pathIDs = [
        "x", "-1", "9223372036854775808", UUID().uuidString, String(repeating: "a", count: 2000), "%00", "%F0%9F%92%A5", "..", "%2e%2e",
    ]

    static func escaped(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    func next(_ random: inout SplitMix64) -> HostileInputTests.Probe {
        switch random.next(in: 0...99) {
        case 0..<45: return pull(&random)
        case 45..<55: return pull(cursor: nil, &random)
        case 55..<88: return push(&random)
        case 88..<92: return deepPush(&random)
        default: return other(&random)
        }
    }

    private func pull(_ random: inout SplitMix64) -> HostileInputTests.Probe {
        pull(cursor: mutatedCursor(&random), &random)
    }

    private func pull(cursor: String?, _ random: inout SplitMix64) -> HostileInputTests.Probe {
        var query: [String] = []
        if let cursor { query.append("cursor=\(Self.escaped(cursor))") }
        if random.chance(0.6) { query.append("limit=\(random.pick(Self.limits))") }
        let path = "/v1/sync/pull" + (query.isEmpty ? "" : "?" + query.joined(separator: "&"))
        return .init(kind: .pull, method: .GET, path: path, body: nil)
    }

    private func mutatedCursor(_ random: inout SplitMix64) -> String {
        let base = random.pick(genuine)
        switch random.next(in: 0...11) {
        case 0:
            return base
        case 1:
            // Change one character.
            var characters = Array(base)
            guard !characters.isEmpty else { return base }
            characters[random.next(in: 0...(characters.count - 1))] = random.pick(Array("AZaz09-_.=+/~%!"))
            return String(characters)
        case 2:
            return String(base.prefix(random.next(in: 0...base.count)))
        case 3:
            return base + random.pick([".", "A", "==", ".x", String(repeating: "A", count: 600)])
        case 4, 5:
            // Re-encoded with an extreme value in one member.
            let key = random.pick(["e", "u", "t", "s", "i", "se", "sk", "d", "n", "v", "x"])
            let value = random.pick(Self.extremes)
            return CursorSurgery.changing(base) { $0[key] = value }
        case 6:
            // Several members at once.
            return CursorSurgery.changing(base) { members in
                for key in ["t", "s", "i", "se"] { members[key] = random.pick(Self.extremes) }
            }
        case 7:
            let parts = base.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            return random.pick(parts + [parts.reversed().joined(separator: "."), "c1..", "c1", ".", "c9." + (parts.last ?? "")])
        case 8:
            let alphabet = Array("ABCDEFabcdef0123456789-_.~ é💥\u{0}")
            return String((0..<random.next(in: 0...700)).map { _ in random.pick(alphabet) })
        case 9, 10:
            // A valid MAC over a payload with extreme values: the field checks must hold on their own.
            guard var members = CursorSurgery.members(of: base) else { return base }
            for _ in 0..<random.next(in: 1...3) {
                members[random.pick(["e", "u", "t", "s", "i", "se", "sk", "d", "n"])] = random.pick(Self.extremes)
            }
            return signer.sign(version: "c1", payload: CursorSurgery.encode(CursorSurgery.object(members)))
        default:
            // A valid MAC under another version, or over a payload that is not a cursor.
            let payload = base.split(separator: ".", omittingEmptySubsequences: false).dropFirst().first.map(String.init) ?? ""
            return random.chance(0.5)
                ? signer.sign(version: random.pick(["c0", "c2", "C1", "", "c1.c1"]), payload: payload)
                : signer.sign(version: "c1", payload: CursorSurgery.encode(random.pick(Self.extremes)))
        }
    }

    private func push(_ random: inout SplitMix64) -> HostileInputTests.Probe {
        let count = random.pick([0, 1, 1, 2, 3, 101])
        var mutations: [String] = []
        for index in 0..<count {
            let id = random.chance(0.5) ? "\(UUID().uuidString)" : random.pick(Self.ids)
            let seq = random.chance(0.3) ? String(index + 1) : random.pick(Self.seqs)
            let name = random.pick(Self.names)
            let args =
                random.chance(0.6)
                ? #"{"todo_id":"\#(UUID().uuidString)","title":"fuzz"}"#
                : random.pick([
                    #"{}"#, #"[]"#, #"null"#, #"{"todo_id":"x"}"#,
                    #"{"items":[{"quantity":1e300,"unit_price_minor":9223372036854775807}],"order_id":"\#(UUID().uuidString)","currency":"EUR"}"#,
                ])
            let idText = id.hasPrefix("\\") ? "\"\(id)\"" : JSONValue.string(id).jsonText
            mutations.append(#"{"id":\#(idText),"seq":\#(seq),"name":\#(JSONValue.string(name).jsonText),"args":\#(args)}"#)
        }
        let body = #"{"mutations":[\#(mutations.joined(separator: ","))]}"#
        return .init(kind: .push, method: .POST, path: "/v1/sync/push", body: Data(body.utf8))
    }

    private func deepPush(_ random: inout SplitMix64) -> HostileInputTests.Probe {
        let depth = random.pick([100, 510, 511, 513, 5000, 200_000])
        let open = random.chance(0.5) ? "[" : #"{"a":"#
        let close = open == "[" ? "]" : "}"
        let args =
            #"{"todo_id":"\#(UUID().uuidString)","title":"deep","tags":"# + String(repeating: open, count: depth) + String(repeating: close, count: depth) + "}"
        let body = #"{"mutations":[{"id":"deep","seq":5,"name":"todo.create","args":\#(args)}]}"#
        return .init(kind: .push, method: .POST, path: "/v1/sync/push", body: Data(body.utf8))
    }

    private func other(_ random: inout SplitMix64) -> HostileInputTests.Probe {
        let id = random.pick(Self.pathIDs)
        switch random.next(in: 0...4) {
        case 0: return .init(kind: .other, method: .DELETE, path: "/v1/auth/sessions/\(id)", body: nil)
        case 1: return .init(kind: .other, method: .GET, path: "/v1/auth/sessions?user_id=\(id)", body: nil)
        case 2: return .init(kind: .other, method: .POST, path: "/v1/todos/\(id)/complete", body: Data("{}".utf8))
        case 3: return .init(kind: .other, method: .PATCH, path: "/v1/todos/\(id)", body: Data(#"{"title":"x"}"#.utf8))
        default:
            return .init(
                kind: .other, method: .POST, path: "/v1/orders",
                body: Data(
                    #"{"currency":"EUR","items":[{"sku":"a","name":"b","quantity":\#(random.pick(Self.seqs)),"unit_price_minor":\#(random.pick(Self.seqs))}]}"#
                        .utf8))
        }
    }
}
