import ArgumentParser
import CommandLineSupport
import EventStore
import Foundation
import Outbox
import SyncServer

/// `synccli push retry --dead`.
struct PushRetryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retry",
        abstract: "Queue dead deliveries again with fresh attempts.",
        discussion: """
            Only deliveries whose message has not expired are queued again; expired ones stay dead and \
            are counted. Run it after fixing what made them fail (see `synccli push status`).

            Examples:
              synccli push retry --dead
              synccli push retry --dead --channel apns
            """
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Retry the dead deliveries (required: the only kind this verb retries).")
    var dead = false

    @Option(help: "Only this channel: apns, fcm, webpush or webhook.")
    var channel: String?

    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        guard dead else { throw ValidationError("say what to retry: --dead") }
        if let channel, !["apns", "fcm", "webpush", "webhook"].contains(channel) {
            throw ValidationError("--channel must be one of apns, fcm, webpush, webhook")
        }
    }

    func run() async throws {
        let (requeued, expired) = try await PushCommand.withOutbox(global) { outbox in
            try await outbox.retryDead(channel: channel)
        }
        if json {
            print(#"{"expired":\#(expired),"requeued":\#(requeued)}"#)
        } else {
            print(
                "requeued \(requeued) dead deliver\(requeued == 1 ? "y" : "ies")" + (expired > 0 ? "; \(expired) stay dead because their message expired" : ""))
        }
    }
}
