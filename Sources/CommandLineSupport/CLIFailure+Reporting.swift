import ArgumentParser
import EventStore
import Foundation
import Projections

extension CLIFailure {
    /// Runs a verb's work and turns failures into readable lines on standard error (`error: <code>:
    /// <message>`, the cause, a hint) and an exit code: 64 for an unknown projection name, else 1.
    public static func reporting<Result>(_ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch let error as CLIFailure {
            printError("error: \(error.code): \(error.message)")
            if let underlying = error.underlying { printCause(underlying) }
            throw ExitCode.failure
        } catch let error as EventStoreError {
            printError("error: \(error.code): \(error.message)")
            if error.code == .database, let underlying = error.underlying {
                printCause(underlying)
                printError("  hint: is PostgreSQL running? `make db` starts the private one; check --database-url / $DATABASE_URL")
            }
            throw ExitCode.failure
        } catch let error as ProjectionError {
            printError("error: \(error.code): \(error.message)")
            if let underlying = error.underlying { printCause(underlying) }
            if error.code == .notMigrated {
                printError("  hint: has this database been migrated? run `synccli migrate`")
            }
            throw error.code == .unknownProjection ? ExitCode.validationFailure : ExitCode.failure
        } catch let error as ExitCode {
            throw error
        } catch let error as ValidationError {
            throw error
        } catch {
            printError("error: \(String(reflecting: error).prefix(500))")
            throw ExitCode.failure
        }
    }

    /// Prints the cause of a failure (database errors show their server message here, for the
    /// operator; they never reach an HTTP client).
    public static func printCause(_ error: any Error) {
        printError("  cause: \(String(reflecting: error).prefix(400))")
    }
}

/// Writes a line to standard error.
public func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
