import ArgumentParser
import EventStore
import Foundation
import Logging

/// Options every verb that talks to the database accepts (of `synccli` and `tidemark-bench`).
public struct GlobalOptions: ParsableArguments, Sendable {
    @Option(name: .customLong("database-url"), help: "PostgreSQL URL (default: $DATABASE_URL, else the private development database).")
    var databaseURL: String?

    @Option(
        name: .customLong("log-level"),
        help: "trace, debug, info, notice, warning, error or critical (default: $LOG_LEVEL, else warning; `serve` defaults to info).")
    var logLevel: String?

    /// Options as parsed from the command line.
    public init() {}

    /// The database URL to use, checked to be reachable within 5 seconds.
    ///
    /// - Throws: `ExitCode.failure` (after printing why) when it is malformed or does not answer.
    public func resolvedDatabaseURL() async throws -> DatabaseURL {
        try await CLIFailure.reporting {
            let url = try databaseURL.map { try DatabaseURL($0) } ?? DatabaseURL.fromEnvironment()
            try await url.checkReachable()
            return url
        }
    }

    /// A logger writing to standard error at the chosen level.
    ///
    /// - Throws: `ValidationError` for an unknown level.
    public func makeLogger(label: String, defaultLevel: String = "warning") throws -> Logger {
        let raw = logLevel ?? ProcessInfo.processInfo.environment["LOG_LEVEL"] ?? defaultLevel
        guard let level = Logger.Level(rawValue: raw.lowercased()) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        var logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = level
        return logger
    }
}
