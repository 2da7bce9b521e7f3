import ArgumentParser
import CommandLineSupport
import Foundation
import Logging
import SyncClient
import SyncProtocol

/// Options every `synccli replica` verb accepts.
struct ReplicaOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: "The replica file (default: replica.sqlite).")
    var database: String = "replica.sqlite"

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical (default: $LOG_LEVEL, else warning).")
    var logLevel: String?

    /// A logger writing to standard error at the chosen level.
    func makeLogger() throws -> Logger {
        let raw = logLevel ?? ProcessInfo.processInfo.environment["LOG_LEVEL"] ?? "warning"
        guard let level = Logger.Level(rawValue: raw.lowercased()) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        var logger = Logger(label: "synccli.replica") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = level
        return logger
    }

    /// Opens the replica. Unless `create` is true the file must exist (made by `replica init`).
    func openClient(serverURL: String? = nil, create: Bool = false) async throws -> SyncClient {
        if !create, !FileManager.default.fileExists(atPath: database) {
            printError("error: no replica at \(database)")
            printError("  hint: create one with `synccli replica init --server URL --tenant CODE --user NAME --db \(database)`")
            throw ExitCode.failure
        }
        let logger = try makeLogger()
        let configuration = SyncClientConfiguration(
            databasePath: database, serverURL: serverURL, logger: logger,
            onRejection: { rejection in
                printError("rejected: \(rejection.name.rawValue) (seq \(rejection.seq)): \(rejection.code): \(rejection.message)")
            })
        return try await CLIFailure.reportingReplica { try await SyncClient(configuration: configuration) }
    }
}

/// Helpers shared by the replica verbs.
enum ReplicaCLI {
    /// A new lowercase UUID.
    static func newID() -> String { UUID().uuidString.lowercased() }

    /// The full id of a row given its id or a unique prefix of it.
    static func resolve(_ text: String, in entity: SyncEntity, idMember: String, client: SyncClient) async throws -> String {
        let wanted = text.lowercased()
        if UUID(uuidString: wanted) != nil { return wanted }
        let ids = try await client.rows(entity).compactMap { $0[idMember]?.stringValue }.filter { $0.hasPrefix(wanted) }
        guard ids.count == 1, let id = ids.first else {
            throw ValidationError(
                ids.isEmpty
                    ? "no \(entity.rawValue) row has an id starting with \(text)"
                    : "\(ids.count) \(entity.rawValue) rows have an id starting with \(text); give more characters")
        }
        return id
    }

    /// Checks an ISO-8601 date-time and returns it unchanged.
    static func isoDate(_ text: String, option: String) throws -> String {
        let plain = Date.ISO8601FormatStyle()
        let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        guard (try? plain.parse(text)) != nil || (try? fractional.parse(text)) != nil else {
            throw ValidationError("\(option) must be an ISO-8601 date-time such as 2025-06-01T09:00:00Z")
        }
        return text
    }

    /// Prints where a queued mutation stands.
    static func printQueued(_ mutation: QueuedMutation, what: String) {
        print("\(what) (queued \(mutation.name.rawValue) seq \(mutation.seq); `synccli replica sync` sends it)")
    }
}
