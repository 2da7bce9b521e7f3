import Foundation
import SyncProtocol
import Testing
import TidemarkTestSupport

@testable import SyncServer

/// Random and mutated requests against `synccli serve` running as a process: every answer must be
/// a well-formed 2xx, or a 4xx problem with a stable code, and the process must stay up.
@Suite("Hostile input against a running server", .timeLimit(.minutes(10)))
struct HostileInputTests {
    /// Problem codes a 4xx answer may carry.
    static let problemCodes: Set<String> = [
        "invalid", "unauthorized", "token_expired", "session_revoked", "forbidden", "not_found", "already_exists", "conflict",
        "deleted", "illegal_transition", "limit_exceeded", "resync_required", "payload_too_large", "method_not_allowed",
        "rate_limited", "last_admin",
    ]
    /// Codes a rejected mutation may carry.
    static let resultCodes: Set<String> = [
        "invalid", "forbidden", "not_found", "already_exists", "conflict", "deleted", "illegal_transition", "limit_exceeded",
        "seq_conflict", "out_of_order", "seq_gap", "last_admin",
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
                        Issue.record(
                            "no answer to request \(sent) (seed \(seed)): \(probe)\n\(error)\nrunning: \(server.isRunning)\n\(server.log.suffix(3000))")
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
            let response = try? answer.decode(SyncPushResponse.self)
            #expect(response != nil, "\(context)")
            for result in response?.results ?? [] where result.status == .rejected {
                #expect(result.code.map(resultCodes.contains) == true, "\(context)")
            }
        case .other:
            break
        }
    }
}
