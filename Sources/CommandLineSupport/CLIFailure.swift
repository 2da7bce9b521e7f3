import ArgumentParser
import EventStore
import Foundation
import Projections

/// Runs a verb's work and turns failures into one readable line on standard error and exit code 1.
///
/// - Throws: `ExitCode.failure` (or `ExitCode.validationFailure` for an unknown projection) after
///   printing the error; `ExitCode` and `ValidationError` as they are.
public func reportingFailures<Result>(_ body: () async throws -> Result) async throws -> Result {
    do {
        return try await body()
    } catch let error as EventStoreError {
        printError("error: \(error.code): \(error.message)")
        if error.code == .database, let underlying = error.underlying {
            printError("  cause: \(String(reflecting: underlying).prefix(400))")
            printError("  hint: is PostgreSQL running? `make db` starts the private one; check --database-url / $DATABASE_URL")
        }
        throw ExitCode.failure
    } catch let error as ProjectionError {
        printError("error: \(error.code.rawValue): \(error.message)")
        if error.code == .database, error.message.contains("does not exist") {
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

/// Writes a line to standard error.
public func printError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
