import ArgumentParser
import CommandLineSupport
import EventStore
import Foundation
import Outbox
import SyncServer

/// `synccli push resume CHANNEL`.
struct PushResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "End a channel's pause now (after fixing its credentials).",
        discussion: """
            Examples:
              synccli push resume apns
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "apns, fcm, webpush or webhook.")
    var channel: String

    func validate() throws {
        guard ["apns", "fcm", "webpush", "webhook"].contains(channel) else {
            throw ValidationError("the channel must be one of apns, fcm, webpush, webhook")
        }
    }

    func run() async throws {
        let resumed = try await PushCommand.withOutbox(global) { outbox in
            try await outbox.resume(channel: channel)
        }
        print(resumed ? "\(channel) resumed" : "\(channel) was not paused")
    }
}
