import Foundation
import SyncProtocol
import Testing

@testable import SyncServer

/// Random and mutated requests against `synccli serve` running as a process: every answer must be
/// a well-formed 2xx, or a 4xx problem with a stable code, and the process must stay up.
@Suite("Hostile input against a running server", .timeLimit(.minutes(10)))
struct HostileInputTests {
    /// Problem codes a 4xx answer may carry.
    static let problemCodes: Set<String> = [
        "invalid", "unauthorized", "token_expired", "session_revoked", "forbidden", "not_found", "already_exists", "conflict",
        "deleted", "illegal_transition", "limit_exceeded", "resync_required", "payload_too_large", "method_not_allowed",
    ]
    /// Codes a rejected mutation may carry.
    static let resultCodes: Set<String> = [
        "invalid", "forbidden", "not_found", "already_exists", "conflict", "deleted", "illegal_transition", "limit_exceeded",
        "seq_conflict", "out_of_order", "seq_gap",
    ]

    /// One generated request and what its answer must decode as.
    struct Probe: CustomStringConvertible {
        enum Kind { case pull, push, other }
        var kind: Kind
        var method: Verb
        var path: String
        var body: Data?
        var description: String { "\(method.rawValue) \(path.prefix(300)) \(body.map { String(decoding: $0.prefix(300), as: UTF8.self) } ?? "")" }
    }

    @Test("random and mutated cursors, page sizes, ids and sequence numbers get 2xx or 4xx answers with stable codes, and the server stays up")
    func randomRequests() async throws {
        let seed = ProcessInfo.processInfo.environment["TIDEMARK_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x16_5EED
        var random = SplitMix64(seed: seed)
        try await ServeProcess.with { server in
            // Given genuine cursors: a snapshot in progress, the end of the feed, another user's.
            let ana = try await server.signUp("ana")
            let bob = try await server.signUp("bob")
            let genuine = [
                try await Self.cursor(server, token: ana.accessToken, pages: 1),
                try await Self.cursor(server, token: ana.accessToken, pages: 100),
                try await Self.cursor(server, token: bob.accessToken, pages: 100),
            ]
            let generator = ProbeGenerator(genuine: genuine, signer: CursorSigner(secret: Array(ServeProcess.secret.utf8)))
            var sent = 0
            var statuses: [Int: Int] = [:]
            for batch in 0..<12 {
                // When a batch of random requests is sent.
                for _ in 0..<25 {
                    let probe = generator.next(&random)
                    sent += 1
                    let answer: HTTPAnswer
                    do {
                        answer = try await server.call(probe.method, probe.path, rawBody: probe.body, token: ana.accessToken)
                    } catch {
                        Issue.record("no answer to request \(sent) (seed \(seed)): \(probe)\n\(error)\nrunning: \(server.isRunning)\n\(server.log.suffix(3000))")
                        return
                    }
                    // Then each answer is well formed.
                    Self.check(answer, probe, seed: seed)
                    statuses[answer.status, default: 0] += 1
                }
                // And the server is still up after the batch.
                #expect(server.isRunning, "synccli serve died in batch \(batch): \(server.log.suffix(3000))")
                let health = try await server.call(.GET, "/health")
                #expect(health.status == 200, "batch \(batch)")
            }
            #expect(sent == 300)
            // The generator reached the refusals and the answers it is meant to reach.
            for status in [200, 400, 410] { #expect(statuses[status, default: 0] > 0, "no \(status) among \(statuses)") }
        }
    }

    /// The cursor after `pages` pages of a fresh pull (or at the end of the feed, if sooner).
    static func cursor(_ server: ServeProcess, token: String, pages: Int) async throws -> String {
        var cursor: String?
        for _ in 0..<pages {
            let path = "/v1/sync/pull?limit=1" + (cursor.map { "&cursor=\(ProbeGenerator.escaped($0))" } ?? "")
            let answer = try await server.call(.GET, path, token: token)
            let page = try answer.decode(PullResponse.self)
            cursor = page.cursor
            if !page.hasMore { break }
        }
        return try #require(cursor)
    }

    static func check(_ answer: HTTPAnswer, _ probe: Probe, seed: UInt64) {
        let context = "seed \(seed): \(probe) → \(answer.status) \(answer.text.prefix(500))"
        #expect((200..<500).contains(answer.status), "\(context)")
        if answer.status >= 400 {
            #expect(answer.contentType == "application/problem+json", "\(context)")
            #expect(answer.code.map(problemCodes.contains) == true, "\(context)")
            #expect(answer.json?["status"]?.int64Value == Int64(answer.status), "\(context)")
            return
        }
        switch probe.kind {
        case .pull:
            #expect((try? answer.decode(PullResponse.self)) != nil, "\(context)")
        case .push:
            let response = try? answer.decode(PushResponse.self)
            #expect(response != nil, "\(context)")
            for result in response?.results ?? [] where result.status == .rejected {
                #expect(result.code.map(resultCodes.contains) == true, "\(context)")
            }
        case .other:
            break
        }
    }
}

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
            let args = random.chance(0.6)
                ? #"{"todo_id":"\#(UUID().uuidString)","title":"fuzz"}"#
                : random.pick([#"{}"#, #"[]"#, #"null"#, #"{"todo_id":"x"}"#, #"{"items":[{"quantity":1e300,"unit_price_minor":9223372036854775807}],"order_id":"\#(UUID().uuidString)","currency":"EUR"}"#])
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
        let args = #"{"todo_id":"\#(UUID().uuidString)","title":"deep","tags":"# + String(repeating: open, count: depth) + String(repeating: close, count: depth) + "}"
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
        default: return .init(kind: .other, method: .POST, path: "/v1/orders", body: Data(
            #"{"currency":"EUR","items":[{"sku":"a","name":"b","quantity":\#(random.pick(Self.seqs)),"unit_price_minor":\#(random.pick(Self.seqs))}]}"#.utf8))
        }
    }
}

@Suite("Text the database cannot store")
struct NULTests {
    @Test("U+0000 in a mutation id, name or argument is refused invalid, never a 503 on every retry")
    func nulIsInvalid() async throws {
        try await SyncHarness.with { h in
            // Given a signed-in device.
            _ = try await h.createTenant(code: "acme")
            let ana = try await h.signUp("ana", tenantCode: "acme")
            let todo: JSONValue = .object(["todo_id": .string(UUID().uuidString), "title": .string("ok")])

            // When U+0000 appears in a mutation id, a name, or an argument (pushed and over REST).
            let badID = try await h.call(.POST, "/v1/sync/push", body: PushRequest(mutations: [
                Mutation(id: "a\u{0}b", seq: 1, name: "todo.create", args: todo),
            ]), token: ana.token)
            let badName = try await h.call(.POST, "/v1/sync/push", body: PushRequest(mutations: [
                Mutation(id: "n1", seq: 1, name: "todo.create\u{0}", args: todo),
            ]), token: ana.token)
            let badArgs = try await ana.push(raw: [
                Mutation(id: "a1", seq: 1, name: "todo.create", args: .object(["todo_id": .string(UUID().uuidString), "title": .string("a\u{0}b")])),
                Mutation(id: "a2", seq: 2, name: "todo.create", args: .object(["todo_id": .string(UUID().uuidString), "ti\u{0}tle": .string("x")])),
                Mutation(id: "a3", seq: 3, name: "todo.create", args: todo),
            ])
            let rest = try await h.call(.POST, "/v1/todos", body: JSONValue.object(["title": .string("x\u{0}")]), token: ana.token)

            // Then each is refused as invalid, and the rest of the batch applies.
            #expect(badID.status == 400 && badID.code == "invalid", "\(badID.text)")
            #expect(badName.status == 400 && badName.code == "invalid", "\(badName.text)")
            #expect(badArgs.results.map(\.code) == ["invalid", "invalid", nil])
            #expect(badArgs.results.last?.status == .applied)
            #expect(rest.status == 400 && rest.code == "invalid", "\(rest.text)")
        }
    }
}
