import ArgumentParser
import CommandLineSupport
import SyncClient

/// `synccli replica sync`: push the queue, pull the changes.
struct ReplicaSyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Push queued changes and pull what changed; with --live, stay connected until Ctrl-C.",
        discussion: """
            With --live the replica keeps the /v1/sync/live WebSocket open and syncs on every poke,
            reconnecting with backoff; it stops when the session ends or the server needs a newer client.
            """
    )

    @OptionGroup var replica: ReplicaOptions

    @Flag(help: "Stay connected and sync whenever the server says something changed.")
    var live = false

    func run() async throws {
        let client = try await replica.openClient()
        if live {
            print("live: syncing on every change (Ctrl-C stops)")
            await client.run()
            let state = await client.state
            print("live sync stopped: \(state)")
            if state.blocksSync {
                printError("error: \(state.name)")
                throw ExitCode.failure
            }
            return
        }
        try await CLIFailure.reportingReplica {
            print(Self.describe(try await client.sync()))
        }
    }

    /// One line for a sync report.
    static func describe(_ report: SyncReport) -> String {
        var text = "synced: pushed \(report.pushed) (applied \(report.applied), rejected \(report.rejected)), "
        text += "pulled \(report.pulled) change(s) in \(report.pages) page(s)"
        if report.reset { text += ", replica reset from a snapshot" }
        return text
    }
}
