import ArgumentParser
import CommandLineSupport
import EventStore
import Foundation
import Projections

/// `synccli feed prune --older-than 7d`.
struct FeedPruneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Delete change-feed rows older than a given age.",
        discussion: """
            Deletes the rows of read_changes recorded longer ago than --older-than (committed ones only) \
            and, in the same transaction, moves the feed's pruned mark past them. A replica whose cursor \
            lies below the mark gets 410 resync_required on its next pull and takes a fresh snapshot; \
            no replica silently misses a change. Choose an age longer than devices usually stay offline.

            Examples:
              synccli feed prune --older-than 30d
              synccli feed prune --older-than 12h --json
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "The age, as a number with a unit: s, m, h or d (for example 30d).")
    var olderThan: String

    @Flag(help: "Print one JSON object.")
    var json = false

    /// `--older-than` in seconds.
    static func seconds(_ text: String) -> Int64? {
        guard let unit = text.last, let number = Int64(text.dropLast()), number >= 0 else { return nil }
        switch unit {
        case "s": return number
        case "m": return number * 60
        case "h": return number * 3600
        case "d": return number * 86_400
        default: return nil
        }
    }

    func validate() throws {
        guard let seconds = Self.seconds(olderThan), seconds <= 3650 * 86_400 else {
            throw ValidationError("--older-than must be a whole number with a unit s, m, h or d (for example 30d), at most 3650d")
        }
    }

    func run() async throws {
        let url = try await global.resolvedDatabaseURL()
        let logger = try global.makeLogger(label: "synccli.feed")
        let age = Duration.seconds(Self.seconds(olderThan) ?? 0)
        let report = try await CLIFailure.reporting {
            try await EventStore.withRunning(url: url, maximumConnections: 2, applicationName: "synccli-feed", logger: logger) { store in
                try await ChangeFeedPruner(client: store.client, logger: logger).prune(olderThan: age)
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print("deleted \(report.deleted) change(s)\(report.prunedThrough.map { "; replicas with cursors before \($0) will resync" } ?? "")")
        }
    }
}
