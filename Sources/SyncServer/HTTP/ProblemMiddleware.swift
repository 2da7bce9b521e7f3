import Commands
import EventStore
import Hummingbird
import Logging
import NIOCore
import PostgresNIO
import Projections

/// Turns every error into an `application/problem+json` answer with a stable code.
///
/// The status always comes from the code (``Problem/Code``, ``CommandError/Code``,
/// ``AuthError/Code``). A database failure, wherever it surfaces (a `PSQLError`, a
/// `PostgresTransactionError` from `withTransaction`, an ``EventStoreError`` or ``ProjectionError``
/// of the database), is `503 unavailable` with `Retry-After`; a value PostgreSQL refuses to store is
/// `400 invalid`. Unknown errors become `500 internal` with a generic message. Database text is
/// only logged, never answered.
public struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    /// Creates the middleware.
    public init(logger: Logger) { self.logger = logger }

    /// Handles a request, converting errors.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            // Logged with the request's logger, so with its request id.
            throw ProblemMiddleware(logger: context.logger).problem(for: error, path: request.uri.path)
        }
    }

    /// The answer to `error`.
    func problem(for error: any Error, path: String) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let error as AuthError:
            if error.code == .unavailable {
                if let underlying = error.underlying {
                    logDatabaseFailure(underlying, path: path)
                } else {
                    // Refused on purpose (sign-ins queued to the limit, the server stopping): not a failure.
                    logger.notice("request refused for now", metadata: ["http.path": "\(path)", "reason": "\(error.message)"])
                }
            }
            return Problem(error)
        case let error as CommandError:
            if error.code == .unavailable, let underlying = error.underlying {
                // The command service logs its own failures; this is the request's side of it.
                logger.debug("command unavailable", metadata: ["http.path": "\(path)", "error": "\(String(reflecting: underlying))"])
            }
            return Problem(error)
        case is NIOTooManyBytesError:
            return Problem(.payloadTooLarge, "the request body is larger than this endpoint accepts")
        case let error as HTTPError:
            return Problem(Problem.Code(routerStatus: error.status), error.body ?? error.status.reasonPhrase)
        case let error as PostgresTransactionError:
            // `withTransaction` wraps whatever ended the transaction: answer for that.
            guard let cause = error.closureError ?? error.beginError ?? error.commitError else { break }
            return problem(for: cause, path: path)
        case let error as PSQLError where error.isDataException:
            return Problem(CommandError.dataException(error))
        case is PSQLError:
            logDatabaseFailure(error, path: path)
            return Self.unavailable
        case let error as EventStoreError:
            let command = CommandError(error)
            if command.code == .unavailable { logDatabaseFailure(error.underlying ?? error, path: path) }
            return Problem(command)
        case let error as ProjectionError where error.code == .database || error.code == .notMigrated:
            logDatabaseFailure(error.underlying ?? error, path: path)
            return Self.unavailable
        default:
            break
        }
        logger.error("request failed", metadata: ["http.path": "\(path)", "error": "\(String(reflecting: error))"])
        return Problem(.internalError, "the server failed to handle this request")
    }

    /// The answer to a database failure.
    static var unavailable: Problem {
        Problem(.unavailable, "the database could not answer right now; retry shortly")
    }

    private func logDatabaseFailure(_ error: any Error, path: String) {
        logger.error("database failed during a request", metadata: ["http.path": "\(path)", "error": "\(String(reflecting: error))"])
    }
}
