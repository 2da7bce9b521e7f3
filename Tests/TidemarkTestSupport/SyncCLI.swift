import Foundation

/// The `synccli` built next to the test bundle, run as a child process against a test database.
public enum SyncCLI {
    /// The executable `tool` (`synccli` or `tidemark-bench`) built next to the test bundle; a test
    /// fails with a clear message when it has not been built.
    public static func binary(_ tool: String = "synccli") throws -> URL {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let binary = bundle.appendingPathComponent(tool)
        guard FileManager.default.isExecutableFile(atPath: binary.path) else { throw TestFailure("no \(tool) at \(binary.path); build it first") }
        return binary
    }

    /// This process's environment with `DATABASE_URL` naming `database` on the same server, and
    /// `extra` on top.
    public static func environment(database: String, extra: [String: String] = [:]) throws -> [String: String] {
        guard let base = ProcessInfo.processInfo.environment["DATABASE_URL"], let slash = base.lastIndex(of: "/") else {
            throw TestFailure("DATABASE_URL is not set")
        }
        var variables = ProcessInfo.processInfo.environment
        variables["DATABASE_URL"] = String(base[...slash]) + database
        variables.merge(extra) { _, new in new }
        return variables
    }

    /// Runs `tool` (default `synccli`) with `arguments` against `database` (or, when `nil`, with this process's
    /// environment: for `--help` and other verbs that need no database) until it exits, off the
    /// cooperative thread pool, with its output in files (no pipe can fill up and block it).
    /// - Returns: The exit status, standard output and standard error.
    public static func run(
        _ arguments: [String], database: String?, environment extra: [String: String] = [:], tool: String = "synccli"
    ) async throws -> (status: Int32, output: String, error: String) {
        let binary = try binary(tool)
        let environment =
            try database.map { try Self.environment(database: $0, extra: extra) }
            ?? ProcessInfo.processInfo.environment.merging(extra) { _, new in new }
        return try await ChildProcess.run(binary, arguments: arguments, environment: environment)
    }
}
