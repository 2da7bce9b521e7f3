import ArgumentParser
import Crypto
import Domain
import Foundation
import Privacy

/// `synccli bench privacy`: the CPU cost per event of personal-data encryption, in this process.
struct BenchPrivacyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "privacy",
        abstract: "Measure the per-event CPU cost of sealing and revealing personal fields (no database).",
        discussion: """
            `bench append` appends todo events straight to the store and `bench rebuild` rebuilds the todos \
            projection: neither carries a personal field. This measures what encryption adds, on one core: \
            (a) the byte search every event read by a projection now passes (a todo payload, no envelope), \
            (b) sealing the four personal fields of a UserProfileUpdated payload (AES-256-GCM and a JSON \
            rewrite), (c) revealing them, and, for scale, (d) decoding the same payload as a UserEvent. The \
            key lookups (one statement per command or projection batch that needs a key) are not included.

            Examples:
              synccli bench privacy
              synccli bench privacy --events 200000 --json
            """
    )

    @Option(help: "Payloads per measurement (1000-10000000).")
    var events: Int = 200_000

    @Flag(help: "End with one JSON line of events per second per measurement.")
    var json = false

    func validate() throws {
        guard (1_000...10_000_000).contains(events) else { throw ValidationError("--events must be 1000-10000000") }
    }

    func run() async throws {
        let owner = UUID()
        let key = SymmetricKey(size: .bits256)
        let stream = "user-\(owner.uuidString.lowercased())"
        let todo = Data(
            #"{"at":"2026-12-07T12:00:00.000Z","description":"","dueAt":"2026-12-09T12:00:00.000Z","ownerID":"\#(owner)","priority":"medium","tags":["home"],"tenantID":"\#(UUID())","title":"Buy paint for the kitchen","todoID":"\#(UUID())","type":"personal"}"#
                .utf8)
        let profile = Data(
            #"{"at":"2026-12-07T12:00:00.000Z","avatarURL":"https://cdn.example.com/a/carol.png","email":"carol.danvers@example.com","nickname":"Carol Danvers","phone":"+41791234567","tenantID":"\#(UUID())","userID":"\#(owner)"}"#
                .utf8)
        let rule = UserEvent.personalFields["UserProfileUpdated"] ?? PersonalFieldRule([])
        let fields = rule.fields
        let sealed = try PersonalPayload.seal(profile, fields: fields, owner: owner, key: key, stream: stream)
        let keys = [owner: key]

        var found = 0
        let scan = try Self.rate(events) { if PersonalPayload.mayHoldEnvelopes(todo) { found += 1 } }
        let seal = try Self.rate(events) { _ = try PersonalPayload.seal(profile, fields: fields, owner: owner, key: key, stream: stream) }
        let reveal = try Self.rate(events) { _ = try PersonalPayload.reveal(sealed, rule: rule, keys: keys, stream: stream) }
        let decode = try Self.rate(events) {
            _ = try UserEvent.decode(eventType: "UserProfileUpdated", schemaVersion: 1, data: profile)
        }
        guard found == 0, try PersonalPayload.reveal(sealed, rule: rule, keys: keys, stream: stream).count > 0 else {
            throw ValidationError("the byte search found an envelope in a plain payload")
        }
        print("measurement                                   events/s (one core)")
        print(String(format: "byte search of a plain todo payload      %14.0f", scan))
        print(String(format: "seal 4 fields of UserProfileUpdated      %14.0f", seal))
        print(String(format: "reveal 4 fields of UserProfileUpdated    %14.0f", reveal))
        print(String(format: "decode UserProfileUpdated (reference)    %14.0f", decode))
        if json {
            let report = ["scan_per_s": scan.rounded(), "seal_per_s": seal.rounded(), "reveal_per_s": reveal.rounded(), "decode_per_s": decode.rounded()]
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        }
    }

    /// Runs `body` `count` times and returns the calls per second.
    static func rate(_ count: Int, _ body: () throws -> Void) throws -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<count { try body() }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return Double(count) / max(seconds, 1e-9)
    }
}
