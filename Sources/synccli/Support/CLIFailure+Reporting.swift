import ArgumentParser
import EventStore
import Foundation
import Projections
import SyncClient
import SyncProtocol

extension CLIFailure {
    /// Runs a verb's work and turns failures into readable lines on standard error (`error: <code>:
    /// <message>`, the cause, a hint) and an exit code: 64 for an unknown projection name, else 1.
    static func reporting<Result>(_ body: () async throws -> Result) async throws -> Result {
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

    /// Runs a replica verb's work and turns failures into readable lines on standard error and an
    /// exit code: 1 for failures, 64 for invalid usage (a refused mutation).
    static func reportingReplica<Result>(_ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch let error as SyncClientError {
            printError("error: \(error.code): \(error.message)")
            switch error.code {
            case .network, .timeout:
                printError("  hint: is the server running? local changes stay queued; run `synccli replica sync` later")
            case .reauthRequired, .sessionRevoked, .invalidRefreshToken, .notSignedIn, .unauthorized:
                printError("  hint: sign in again with `synccli replica init` on the same --db (pending changes are kept)")
            case .upgradeRequired:
                printError("  hint: this synccli speaks protocol \(ProtocolVersion.current); the server needs a newer one")
            case .rateLimited:
                if let wait = error.retryAfter { printError("  hint: wait \(wait.components.seconds) s before trying again") }
            default:
                break
            }
            throw [.invalidMutation, .unknownMutation].contains(error.code) ? ExitCode.validationFailure : ExitCode.failure
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
    static func printCause(_ error: any Error) {
        printError("  cause: \(String(reflecting: error).prefix(400))")
    }
}

/// Writes a line to standard error.
func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
