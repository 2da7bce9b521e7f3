import ArgumentParser
import CommandLineSupport
import Foundation
import SyncClient
import SyncProtocol

/// `synccli replica status`: state, queue, cursor and rows of a replica.
struct ReplicaStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the replica's state, pending changes, rejections, cursor, last sync and rows.",
        discussion: "Reads only the local file; works offline."
    )

    @OptionGroup var replica: ReplicaOptions

    @Flag(help: "Print one JSON object.")
    var json = false

    /// The JSON document of `--json`.
    struct Document: Encodable {
        var status: ReplicaStatus
        var queue: [Queued]
        var rejections: [Rejected]
    }

    /// A queued mutation in the JSON document.
    struct Queued: Encodable {
        var seq: Int64
        var id: String
        var name: String
        var status: String
        var createdAt: String

        enum CodingKeys: String, CodingKey {
            case seq, id, name, status
            case createdAt = "created_at"
        }
    }

    /// A rejection in the JSON document.
    struct Rejected: Encodable {
        var seq: Int64
        var id: String
        var name: String
        var code: String
        var message: String
    }

    func run() async throws {
        let client = try await replica.openClient()
        try await CLIFailure.reportingReplica {
            let status = try await client.status()
            let queue = try await client.queuedMutations()
            let rejections = try await client.rejections()
            if json {
                let document = Document(
                    status: status,
                    queue: queue.map { Queued(seq: $0.seq, id: $0.id, name: $0.name.rawValue, status: $0.status.rawValue, createdAt: $0.createdAt) },
                    rejections: rejections.map { Rejected(seq: $0.seq, id: $0.id, name: $0.name.rawValue, code: $0.code, message: $0.message) })
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                print(String(decoding: try encoder.encode(document), as: UTF8.self))
                return
            }
            print("replica     \(replica.database)")
            print("state       \(status.state)\(status.lastError.map { " (\($0))" } ?? "")")
            print("server      \(status.serverURL ?? "none")")
            print("user        \(status.userID ?? "none")   tenant \(status.tenantID ?? "none")")
            print("device      \(status.deviceID)")
            print("pending     \(status.pendingMutations)   applied, awaiting pull \(status.appliedMutations)")
            print("rejections  \(status.rejections)")
            print("cursor      \(status.cursor ?? "none (the next sync pulls a snapshot)")")
            print("last sync   \(status.lastSyncAt ?? "never")")
            let rows = status.rows.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            print("rows        \(rows)")
            for mutation in queue {
                print("  queued    seq \(mutation.seq)  \(mutation.status.rawValue)  \(mutation.name.rawValue)  \(mutation.id)")
            }
            for rejection in rejections {
                print("  rejected  seq \(rejection.seq)  \(rejection.name.rawValue)  \(rejection.code): \(rejection.message)")
            }
        }
    }
}
