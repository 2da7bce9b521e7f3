import ArgumentParser
import CommandLineSupport
import EventStore
import Foundation
import Projections

/// `synccli projections list`: every projection with its code version, live version and state.
struct ProjectionsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the projections: name, code version, live version and state, one per line.",
        discussion: """
            State is running, failed, not_started (no tables built yet) or outdated (the live tables were built
            by another version of the code; `rebuild` them).

            Examples:
              synccli projections list
              synccli projections list --json | jq -r '.[] | select(.state != "running") | .name'
            """
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Print one JSON array of {name, codeVersion, liveVersion, state}.")
    var json = false

    /// One line of the list.
    struct Entry: Codable {
        /// The projection.
        var name: String
        /// The version in this build.
        var codeVersion: Int
        /// The version of the live tables (`null` before the first run).
        var liveVersion: Int?
        /// running, failed, not_started or outdated.
        var state: String

        /// Encodes every key, `liveVersion` as `null` when there are no live tables.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(codeVersion, forKey: .codeVersion)
            try container.encode(liveVersion, forKey: .liveVersion)
            try container.encode(state, forKey: .state)
        }
    }

    func run() async throws {
        let url = try await global.resolvedDatabaseURL()
        let logger = try global.makeLogger(label: "synccli.projections")
        let statuses = try await CLIFailure.reporting {
            try await EventStore.withRunning(url: url, maximumConnections: 2, applicationName: "synccli-projections", logger: logger) { store in
                try await KnownProjections.requireSetUp(client: store.client, logger: logger)
                return try await ProjectionAdmin(projections: KnownProjections.all, client: store.client, logger: logger).status()
            }
        }
        let entries = statuses.map { Entry(name: $0.name, codeVersion: $0.codeVersion, liveVersion: $0.liveVersion, state: $0.state) }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(entries), as: UTF8.self))
        } else {
            let width = entries.map(\.name.count).max() ?? 4
            for entry in entries {
                let name = entry.name.padding(toLength: width, withPad: " ", startingAt: 0)
                let live = entry.liveVersion.map { "live v\($0)" } ?? "live -"
                print("\(name)  code v\(entry.codeVersion)  \(live.padding(toLength: 8, withPad: " ", startingAt: 0))  \(entry.state)")
            }
        }
    }
}
