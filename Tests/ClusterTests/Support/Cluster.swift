import Foundation
import TidemarkTestSupport

/// The cluster of `make cluster` as the drills see it: its URLs (from `scripts/cluster.sh env`,
/// which `make test-cluster` exports) and the script's verbs that make one part fail.
struct Cluster: Sendable {
    /// HAProxy's HTTP frontend: the URL clients use.
    let url: String
    /// HAProxy's PostgreSQL frontend (always the primary).
    let databaseURL: String
    /// The primary and the standby, directly.
    let primaryURL: String
    let standbyURL: String
    /// Each server, directly (1-based in the script's verbs; 0-based here).
    let servers: [String]
    /// The repository root, where `scripts/cluster.sh` is.
    let root: URL

    /// Whether the environment names a cluster: the drills run only under `make test-cluster`.
    static var isConfigured: Bool { ProcessInfo.processInfo.environment["TIDEMARK_CLUSTER_URL"] != nil }

    /// The cluster the environment names.
    static func fromEnvironment() throws -> Cluster {
        let environment = ProcessInfo.processInfo.environment
        func value(_ name: String) throws -> String {
            guard let value = environment[name], !value.isEmpty else { throw TestFailure("\(name) is not set; run `make test-cluster`") }
            return value
        }
        var servers: [String] = []
        while let server = environment["TIDEMARK_CLUSTER_SERVER_\(servers.count + 1)"] { servers.append(server) }
        guard !servers.isEmpty else { throw TestFailure("no TIDEMARK_CLUSTER_SERVER_1; run `make test-cluster`") }
        return Cluster(
            url: try value("TIDEMARK_CLUSTER_URL"), databaseURL: try value("TIDEMARK_CLUSTER_DATABASE_URL"),
            primaryURL: try value("TIDEMARK_CLUSTER_PRIMARY_URL"), standbyURL: try value("TIDEMARK_CLUSTER_STANDBY_URL"),
            servers: servers, root: URL(fileURLWithPath: try value("TIDEMARK_CLUSTER_ROOT"))
        )
    }

    /// Runs `scripts/cluster.sh <arguments>` and waits for it.
    ///
    /// Its output goes to a file, not a pipe: the servers it starts outlive it, and a pipe they
    /// inherited would never reach its end.
    /// - Throws: `TestFailure` with its output when it fails.
    @discardableResult
    func script(_ arguments: String...) async throws -> String {
        let result = try await ChildProcess.run(root.appendingPathComponent("scripts/cluster.sh"), arguments: arguments)
        let text = result.output + result.error
        guard result.status == 0 else { throw TestFailure("cluster.sh \(arguments.joined(separator: " ")) failed (\(result.status)): \(text)") }
        return text
    }
}
