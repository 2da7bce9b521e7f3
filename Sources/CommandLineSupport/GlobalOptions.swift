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

    @Option(
        name: .customLong("log-format"),
        help: "text, or json: one JSON object per line (default: $LOG_FORMAT, else text).")
    var logFormat: String?

    /// Options as parsed from the command line.
    public init() {}

    /// Refuses an unknown `--log-format` before the verb runs (`LOG_FORMAT` is checked by
    /// ``makeLogger(label:defaultLevel:)``).
    public func validate() throws {
        if let logFormat { _ = try Self.logFormat(option: logFormat, environment: nil) }
    }

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

    /// How log lines are written.
    public enum LogFormat: String, Sendable, CaseIterable {
        /// swift-log's text lines: time, level, label, metadata, message.
        case text
        /// One JSON object per line (``JSONLogHandler``).
        case json
    }

    /// A logger writing to standard error at the chosen level, in the chosen format.
    ///
    /// - Throws: `ValidationError` for an unknown level or format.
    public func makeLogger(label: String, defaultLevel: String = "warning") throws -> Logger {
        let environment = ProcessInfo.processInfo.environment
        let raw = logLevel ?? environment["LOG_LEVEL"] ?? defaultLevel
        guard let level = Logger.Level(rawValue: raw.lowercased()) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        let format = try Self.logFormat(option: logFormat, environment: environment["LOG_FORMAT"])
        var logger =
            switch format {
            case .text: Logger(label: label) { StreamLogHandler.standardError(label: $0) }
            case .json: Logger(label: label) { JSONLogHandler.standardError(label: $0) }
            }
        logger.logLevel = level
        return logger
    }

    /// The format `--log-format` (`option`) or else `LOG_FORMAT` (`environment`) names; text when
    /// neither is set (an empty variable counts as unset).
    ///
    /// - Throws: `ValidationError` for any other value.
    public static func logFormat(option: String?, environment: String?) throws -> LogFormat {
        let raw = option ?? environment.flatMap { $0.isEmpty ? nil : $0 } ?? LogFormat.text.rawValue
        guard let format = LogFormat(rawValue: raw.lowercased()) else {
            let source = option == nil ? "LOG_FORMAT" : "--log-format"
            throw ValidationError("\(source) must be text or json, not '\(raw.prefix(40))'")
        }
        return format
    }
}
