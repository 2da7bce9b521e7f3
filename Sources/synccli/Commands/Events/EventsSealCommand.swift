import ArgumentParser
import Basics
import CommandLineSupport
import EventStore
import Foundation

/// `synccli events seal`: seal every event readable now into the tamper-evident chain.
struct EventsSealCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seal",
        abstract: "Seal every event readable now into the tamper-evident SHA-256 chain (servers do this in the background).",
        discussion: """
            A running server seals new events within a second (one sealer across every instance, \
            an advisory-lock lease). This verb seals what is left in this process; when a server holds \
            the seal lease, it waits until that server has sealed every event that was readable when \
            the verb started. Prints the chain's newest block and hash.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Most events per block (1-100000).")
    var blockSize: Int = 10_000

    @Option(help: "Seconds to wait for a server holding the seal lease (1-3600).")
    var timeout: Int = 120

    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        guard (1...100_000).contains(blockSize) else { throw ValidationError("--block-size must be 1-100000") }
        guard (1...3600).contains(timeout) else { throw ValidationError("--timeout must be 1-3600 seconds") }
    }

    func run() async throws {
        let url = try await global.resolvedDatabaseURL()
        let logger = try global.makeLogger(label: "synccli.events")
        let (blockSize, timeout, json) = (blockSize, timeout, json)
        let report = try await CLIFailure.reporting {
            let sealer = LogSealer(database: url, options: LogSealer.Options(blockSize: blockSize), logger: logger)
            let bar = json ? nil : SharedProgressBar(ProgressBar(total: 1, label: "events seal", unit: "events"))
            let report = try await sealer.sealAvailable(timeout: .seconds(timeout)) { sealed, total in bar?.update(sealed, total: total) }
            bar?.finish()
            return report
        }
        if json {
            let object: [String: Any] = [
                "sealed_now": report.sealedNow, "blocks_now": report.blocksNow, "head_block": report.head.block,
                "head_hash": Hex.encode(report.head.hash), "head_position": report.head.last.position,
                "waited_for_holder": report.waitedForHolder,
            ]
            print(String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self))
        } else {
            if report.waitedForHolder { print("a server holds the seal lease; it has sealed every event readable at the start") }
            print("sealed now      \(report.sealedNow) event(s) in \(report.blocksNow) block(s)")
            print("head block      \(report.head.block)")
            print("head position   \(report.head.last.position)")
            print("head hash       \(Hex.encode(report.head.hash))")
        }
    }
}
