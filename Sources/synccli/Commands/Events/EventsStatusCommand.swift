import ArgumentParser
import CommandLineSupport
import EventStore
import Foundation

/// `synccli events status`: head, safe position and what holds readers back.
struct EventsStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the log head, the safe (gap-free) position and the open transactions that hold readers back.",
        discussion: "Exits with 3 when events wait behind a transaction older than --stall-after."
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Seconds an open transaction may hold readers back before the log counts as stalled.")
    var stallAfter: Double = 10

    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        guard stallAfter >= 0, stallAfter < 86_400 else { throw ValidationError("--stall-after must be 0-86400 seconds") }
    }

    func run() async throws {
        let url = try await global.resolvedDatabaseURL()
        let logger = try global.makeLogger(label: "synccli.events")
        let threshold = stallAfter
        let status = try await CLIFailure.reporting {
            try await EventStore.withRunning(url: url, maximumConnections: 2, applicationName: "synccli-status", logger: logger) { store in
                try await store.status(stallThreshold: .milliseconds(Int64(threshold * 1000)))
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(status), as: UTF8.self))
        } else {
            print("head            \(status.head)")
            print("safe position   \(status.safePosition)\(status.head == status.safePosition ? "  (readers can read everything)" : "")")
            print("behind horizon  \(status.eventsBehindHorizon) committed event(s) wait for older transactions")
            print("horizon xid     \(status.horizonTransactionID)")
            if status.openTransactions.isEmpty {
                print("open writers    none")
            } else {
                print("open writers (oldest first):")
                for tx in status.openTransactions {
                    let pid = tx.pid.map { "pid \($0)" } ?? "prepared"
                    let age = String(format: "%.1fs", tx.ageSeconds)
                    print(
                        "  \(pid)  xid \(tx.transactionID)  age \(age)  db \(tx.database ?? "?")  user \(tx.user ?? "?")  app \(tx.application ?? "")  state \(tx.state ?? "?")"
                    )
                    if let query = tx.query, !query.isEmpty { print("      last query: \(query.replacingOccurrences(of: "\n", with: " "))") }
                }
            }
            if status.stalled, let oldest = status.openTransactions.first {
                print(
                    "STALLED: readers have been held back by \(oldest.pid.map { "pid \($0)" } ?? "a prepared transaction") for \(String(format: "%.0f", oldest.ageSeconds)) s; end it (COMMIT/ROLLBACK) or `SELECT pg_terminate_backend(pid)`."
                )
            }
        }
        if status.stalled { throw ExitCode(3) }
    }
}
