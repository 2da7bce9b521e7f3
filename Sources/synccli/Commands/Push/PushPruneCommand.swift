import ArgumentParser
import CommandLineSupport
import EventStore
import Foundation
import Outbox
import SyncServer

/// `synccli push prune --older-than 30d`.
struct PushPruneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Delete finished deliveries older than a given age.",
        discussion: """
            Deletes sent, failed, dead, skipped, superseded and expired deliveries whose last change is \
            older than --older-than, in batches; pending ones are never deleted. The age must be at \
            least 4 days, longer than any message's time to live (3 days for announcements): a \
            delivery's row is what keeps a replay or a rebuild of the outbox from sending its event \
            again, and a rebuild enqueues nothing past its time to live.

            Examples:
              synccli push prune --older-than 30d
              synccli push prune --older-than 96h --json
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "The age, as a number with a unit: h or d (for example 30d); at least 4 days.")
    var olderThan: String

    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        guard let seconds = FeedPruneCommand.seconds(olderThan), seconds <= 3650 * 86_400 else {
            throw ValidationError("--older-than must be a whole number with a unit s, m, h or d (for example 30d), at most 3650d")
        }
        guard seconds >= 4 * 86_400 else {
            throw ValidationError("--older-than must be at least 4d: a younger delivery row may still stop a rebuild from sending its message again")
        }
    }

    func run() async throws {
        let age = Duration.seconds(FeedPruneCommand.seconds(olderThan) ?? 0)
        let deleted = try await PushCommand.withOutbox(global) { outbox in
            try await outbox.prune(olderThan: age)
        }
        print(json ? #"{"deleted":\#(deleted)}"# : "deleted \(deleted) finished deliver\(deleted == 1 ? "y" : "ies")")
    }
}
