import ArgumentParser
import CommandLineSupport
import EventStore
import Foundation
import Projections

/// `synccli projections status [NAME]`: position, lag, runner, rebuild and last error per projection.
struct ProjectionsStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show each projection's state, position, lag, runner, rebuild in progress and last error.",
        discussion: """
            Lag counts the events of the projection's types after its position, and the seconds since the
            oldest of them was recorded. The runner is the process holding the projection's lease (none when
            no `synccli serve` or `synccli projections run` process applies it).

            Exit codes: 0 every projection shown is running and at most --max-lag seconds behind; 3 one has
            failed (retry or skip it) or lags more than --max-lag seconds (is a runner running?); 1 error;
            64 unknown name.

            Examples:
              synccli projections status
              synccli projections status todos --json
              synccli projections status --max-lag 5 || alert
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "One projection (default: all).")
    var name: String?

    @Option(help: "Seconds a projection may lag before the exit code is 3.")
    var maxLag: Double = 300

    @Flag(help: "Print one JSON array of status objects.")
    var json = false

    func validate() throws {
        if let name { try KnownProjections.validate(name) }
        guard maxLag >= 0 else { throw ValidationError("--max-lag must be 0 or more seconds") }
    }

    func run() async throws {
        let url = try await global.resolvedDatabaseURL()
        let logger = try global.makeLogger(label: "synccli.projections")
        let name = name
        let statuses = try await CLIFailure.reporting {
            try await EventStore.withRunning(url: url, maximumConnections: 2, applicationName: "synccli-projections", logger: logger) { store in
                try await KnownProjections.requireSetUp(client: store.client, logger: logger)
                return try await ProjectionAdmin(projections: KnownProjections.all, client: store.client, logger: logger).status(of: name)
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            print(String(decoding: try encoder.encode(statuses), as: UTF8.self))
        } else {
            for (index, status) in statuses.enumerated() {
                if index > 0 { print("") }
                print(Self.describe(status, maxLag: maxLag))
            }
        }
        if statuses.contains(where: { $0.state == "failed" || $0.lagSeconds > maxLag }) { throw ExitCode(3) }
    }

    /// The text block for one projection.
    static func describe(_ status: ProjectionStatus, maxLag: Double) -> String {
        let dates = ISO8601DateFormatter()
        let live = status.liveVersion.map { "live v\($0)" } ?? "no live tables"
        var lines = ["\(status.name)  \(status.state.uppercased())  (code v\(status.codeVersion), \(live))"]
        lines.append("  position        \(status.position)   head \(status.head)")
        let behind = status.lagSeconds > maxLag ? "  BEHIND (more than \(String(format: "%.0f", maxLag)) s)" : ""
        lines.append("  lag             \(status.lagEvents) event(s), \(String(format: "%.1f", status.lagSeconds)) s\(behind)")
        lines.append("  events applied  \(status.eventsApplied)")
        lines.append("  last applied    \(status.lastAppliedAt.map { dates.string(from: $0) } ?? "never")")
        lines.append("  runner          \(status.runner ?? "none (start one with `synccli serve` or `synccli projections run`)")")
        if let rebuild = status.rebuild {
            let active = rebuild.active ? "running" : "abandoned (no process holds it; start `projections rebuild` again)"
            lines.append(
                "  rebuild         v\(rebuild.version) at \(rebuild.position), \(rebuild.eventsApplied) event(s) applied, \(rebuild.lagEvents) to go, started \(dates.string(from: rebuild.startedAt)), \(active)"
            )
        } else {
            lines.append("  rebuild         none")
        }
        if let failure = status.failure {
            lines.append(
                "  last error      event \(failure.eventType) at \(failure.position) (id \(failure.eventID?.uuidString.lowercased() ?? "?")), failed \(dates.string(from: failure.at))"
            )
            lines.append("                  \(failure.error.replacingOccurrences(of: "\n", with: " ").prefix(500))")
            lines.append("                  fix the code and `synccli projections retry \(status.name)`, or `synccli projections skip \(status.name)`")
        } else {
            lines.append("  last error      none")
        }
        return lines.joined(separator: "\n")
    }
}
