import ArgumentParser
import EventStore
import Foundation
import SyncServer

/// `synccli push …`: the push outbox.
struct PushCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Inspect and steer push delivery (the outbox, paused channels).",
        subcommands: [PushStatusCommand.self, PushRetryCommand.self, PushResumeCommand.self, PushPruneCommand.self]
    )

    /// Runs `body` with the outbox of the database `global` names, after checking it was migrated;
    /// failures are reported the way every verb reports them.
    static func withOutbox<Result: Sendable>(
        _ global: GlobalOptions, _ body: @escaping @Sendable (PushOutbox) async throws -> Result
    ) async throws -> Result {
        let url = try await global.resolvedDatabaseURL()
        let logger = try global.makeLogger(label: "synccli.push")
        return try await reportingFailures {
            // Three connections: the store's LISTEN connection keeps one for itself.
            try await EventStore.withRunning(url: url, maximumConnections: 3, applicationName: "synccli-push", logger: logger) { store in
                let outbox = PushOutbox(client: store.client, logger: logger)
                try await outbox.requireTables()
                return try await body(outbox)
            }
        }
    }
}

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
            print("requeued \(requeued) dead deliver\(requeued == 1 ? "y" : "ies")" + (expired > 0 ? "; \(expired) stay dead because their message expired" : ""))
        }
    }
}

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
