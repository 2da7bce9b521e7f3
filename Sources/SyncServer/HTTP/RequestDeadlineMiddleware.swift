import Hummingbird
import Logging

/// Answers `503 unavailable` when a request has not finished within a deadline.
///
/// Without it, a request that waits for a database connection that cannot be made (PostgreSQL
/// down or refusing connections) would hang until the client gives up, and piled-up requests
/// would hold memory. At the deadline the handler is cancelled (a wait for a pool connection ends
/// at once), and the client gets an answer it knows how to retry. Work the handler already committed stays
/// committed: a retried push gets its stored answers; a REST write without an idempotency key
/// may have been applied (as with any `503`).
public struct RequestDeadlineMiddleware<Context: RequestContext>: RouterMiddleware {
    let timeout: Duration
    let logger: Logger

    /// Creates the middleware.
    public init(timeout: Duration, logger: Logger) {
        self.timeout = timeout
        self.logger = logger
    }

    /// Runs the rest of the chain with the deadline.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let answer = try await withoutActuallyEscaping(next) { next in
            // The chain runs in a child task of this call and never outlives it.
            let chain = Chain(next: next)
            return try await withThrowingTaskGroup(of: Response?.self) { group in
                group.addTask { try await chain.next(request, context) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next() else { return nil as Response? }
                return first
            }
        }
        guard let answer else {
            logger.warning("request cancelled at its deadline", metadata: [
                "http.method": "\(request.method)", "http.path": "\(request.uri.path)", "deadline": "\(timeout)",
            ])
            throw Problem(
                .serviceUnavailable, code: "unavailable",
                message: "the server could not finish this request in \(timeout.components.seconds) s (is its database reachable?); retry shortly",
                retryAfter: 1
            )
        }
        return answer
    }

    /// The rest of the middleware chain, handed to the child task that runs it.
    private struct Chain: @unchecked Sendable {
        let next: (Request, Context) async throws -> Response
    }
}
