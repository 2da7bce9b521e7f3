import Commands
import Hummingbird
import NIOCore
import PostgresNIO
import Logging

/// Turns every error into an `application/problem+json` answer with a stable code.
///
/// Unknown errors become `500 internal` with a generic message: their text may hold database
/// details and is only logged.
public struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    let logger: Logger

    /// Creates the middleware.
    public init(logger: Logger) { self.logger = logger }

    /// Handles a request, converting errors.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as Problem {
            throw problem
        } catch let error as AuthError {
            throw error.problem
        } catch let error as CommandError {
            let retry = ["unavailable", "contention"].contains(error.code) ? 1 : nil
            throw Problem(Self.status(for: error.code), code: error.code, message: error.message, retryAfter: retry)
        } catch is NIOTooManyBytesError {
            throw Problem(.contentTooLarge, code: "payload_too_large", message: "the request body is larger than this endpoint accepts")
        } catch let error as PSQLError where error.isDataException {
            throw Problem(.badRequest, code: "invalid", message: error.dataExceptionMessage)
        } catch let error as PSQLError {
            logger.error("database failed during a request", metadata: ["http.path": "\(request.uri.path)", "error": "\(String(reflecting: error))"])
            throw Problem(.serviceUnavailable, code: "unavailable", message: "the database could not answer right now; retry shortly", retryAfter: 1)
        } catch let error as HTTPError {
            throw Problem(error.status, code: Self.code(for: error.status), message: error.body ?? error.status.reasonPhrase)
        } catch {
            logger.error("request failed", metadata: [
                "http.path": "\(request.uri.path)",
                "error": "\(String(reflecting: error))",
            ])
            throw Problem(.internalServerError, code: "internal", message: "the server failed to handle this request")
        }
    }

    /// The HTTP status of a command refusal code.
    static func status(for code: String) -> HTTPResponse.Status {
        switch code {
        case "not_found": .notFound
        case "forbidden": .forbidden
        case "already_exists", "conflict", "deleted", "illegal_transition", "limit_exceeded", "last_admin": .conflict
        case "unavailable", "contention": .serviceUnavailable
        case "resync_required": .gone
        default: .badRequest
        }
    }

    static func code(for status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: return "not_found"
        case .methodNotAllowed: return "method_not_allowed"
        case .contentTooLarge: return "payload_too_large"
        case .badRequest: return "invalid"
        case .unauthorized: return "unauthorized"
        case .forbidden: return "forbidden"
        default: return status.code >= 500 ? "internal" : "invalid"
        }
    }
}
