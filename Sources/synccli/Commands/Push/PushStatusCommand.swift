import ArgumentParser
import CommandLineSupport
import EventStore
import Foundation
import Outbox
import SyncServer

/// `synccli push status`.
struct PushStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show deliveries per provider: queued, retrying, sent, failed, dead, skipped; the oldest pending age; paused channels.",
        discussion: """
            A channel is paused when its provider rejected our credentials (a revoked key, a wrong \
            topic): its deliveries wait instead of spending attempts, and one delivery probes the \
            provider after the pause. `synccli push resume CHANNEL` ends a pause at once after you fix \
            the credentials. Dead deliveries gave up after the maximum attempts or their expiry; \
            `synccli push retry --dead` queues those not yet expired again.

            Examples:
              synccli push status
              synccli push status --json
            """
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print one JSON object.")
    var json = false

    func run() async throws {
        let report = try await PushCommand.withOutbox(global) { outbox in
            try await outbox.status()
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
        if report.channels.isEmpty {
            print("no deliveries yet")
            return
        }
        print("channel   queued  retrying      sent  failed    dead  skipped  oldest pending")
        for channel in report.channels {
            let line = [
                channel.channel.padding(toLength: 8, withPad: " ", startingAt: 0),
                String(format: "%7d %9d %9d %7d %7d %8d", channel.queued, channel.retrying, channel.sent, channel.failed, channel.dead, channel.skipped),
                String(format: "%12.1f s", channel.oldestPendingSeconds),
            ].joined(separator: " ")
            print(line)
        }
        for channel in report.channels {
            guard let pause = channel.paused else { continue }
            let until = pause.resumeAt.map { ISO8601DateFormatter().string(from: $0) } ?? "?"
            print("PAUSED \(channel.channel): \(pause.pausedReason ?? "credentials rejected"); next probe at \(until) (pause #\(pause.pauses))")
        }
    }
}
