import ArgumentParser
import Basics
import CommandLineSupport
import EventStore
import Foundation

/// `synccli events verify`: recompute the tamper-evident chain and report the first difference.
struct EventsVerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Recompute the log's SHA-256 chain and report the first event whose content, order or presence differs.",
        discussion: """
            Checks every seal block's hash against the block before it, then every sealed event's \
            digest and place, in gap-free order. Events written after the newest seal are counted, \
            not verified (run `synccli events seal` first to include them). Keep the printed head \
            hash somewhere outside the database: a later run must reproduce it.

            Exit status: 0 when the log matches its seals, 3 on a mismatch, 1 when verification \
            could not run.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Start at the seal block that covers the event at this global position (default: the whole log).")
    var from: Int64?

    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        if let from, from < 1 { throw ValidationError("--from must be a global position of 1 or more") }
    }

    func run() async throws {
        let url = try await global.resolvedDatabaseURL()
        let logger = try global.makeLogger(label: "synccli.events")
        let (from, json) = (from, json)
        let started = ContinuousClock.now
        let result = try await CLIFailure.reporting {
            try await EventStore.withRunning(url: url, maximumConnections: 2, applicationName: "synccli-verify", logger: logger) { store in
                try await store.withConnection { connection in
                    let bar = json ? nil : SharedProgressBar(ProgressBar(total: 1, label: "events verify", unit: "events"))
                    let verifier = LogVerifier(connection: connection, logger: logger)
                    let total = try await verifier.sealedEventCount()
                    let result = try await verifier.verify(from: from) { verified in bar?.update(verified, total: max(total, verified)) }
                    bar?.finish()
                    return result
                }
            }
        }
        let seconds = ProgressBar.seconds(ContinuousClock.now - started)
        if json {
            var object: [String: Any] = [
                "status": result.isIntact ? "ok" : "mismatch", "events_verified": result.eventsVerified, "blocks_verified": result.blocksVerified,
                "unsealed": result.unsealed, "head_block": result.head.block, "head_hash": Hex.encode(result.head.hash),
                "head_position": result.head.last.position, "seconds": (seconds * 1000).rounded() / 1000,
            ]
            if let mismatch = result.mismatch {
                var described: [String: Any] = ["kind": mismatch.kind.rawValue, "block": mismatch.block, "message": mismatch.description]
                if let position = mismatch.position { described["position"] = position }
                if let stream = mismatch.stream { described["stream"] = stream }
                if let type = mismatch.type { described["type"] = type }
                object["first_mismatch"] = described
            }
            print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
        } else {
            if let mismatch = result.mismatch {
                print("MISMATCH: \(mismatch)")
                print("verified before it  \(result.eventsVerified) event(s) in \(result.blocksVerified) block(s)")
            } else {
                print("ok: the log matches its seals")
                print("verified        \(result.eventsVerified) event(s) in \(result.blocksVerified) block(s), \(String(format: "%.1f", seconds)) s")
                print("head block      \(result.head.block) (last position \(result.head.last.position))")
                print("head hash       \(Hex.encode(result.head.hash))")
                print("not sealed yet  \(result.unsealed) event(s)")
            }
        }
        if !result.isIntact { throw ExitCode(3) }
    }
}
