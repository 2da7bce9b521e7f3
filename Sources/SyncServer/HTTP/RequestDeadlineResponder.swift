import EventStore
import Hummingbird
import Logging
import NIOCore

/// Answers `503 unavailable` when a request has not been answered within a deadline, at the
/// deadline.
///
/// Without it, a request that waits for a database connection that cannot be made (PostgreSQL
/// down or refusing connections) would hang until the client gives up, and piled-up requests would
/// hold memory. At the deadline the handler is cancelled and the client gets an answer it knows
/// how to retry. Work the handler already committed stays committed: a retried push gets its
/// stored answers; a REST write without an idempotency key may have been applied (as with any
/// `503`).
///
/// **Why the handler runs in a task of its own.** A cancelled handler does not always stop at
/// once: a query already sent, or a wait the driver does not cancel, runs on until PostgreSQL
/// answers. A structured timeout (a task group, as this type used to be a middleware with) waits
/// for its cancelled child, so the `503` came 21-38 s after the request with a 20 s deadline. So
/// the handler runs through ``Deadline/run(timeout:_:)``, which cancels and abandons it at the
/// deadline and answers at once; the abandoned handler finishes in the background and logs
/// "request finished after its deadline". A structured owner that outlives requests (a service
/// with its own task group) was the alternative; it would add a hop to every request and make
/// graceful shutdown wait for exactly the handlers that already overran once.
///
/// Because the handler may outlive its request, it must not read from the connection: the request
/// body is read here first, within the same deadline (that read stops at once when cancelled), and
/// the handler gets it as a buffer. So the body limit lives here too: a body whose `Content-Length`
/// is over `maxBodyBytes` is answered `413 payload_too_large` before it is read, and one without a
/// length that grows past it as well; the context's `maxUploadSize` is set to the same limit, so
/// `request.decode(as:context:)` in the handlers enforces it for Hummingbird too.
///
/// The responder wraps the whole router (it is not a middleware), because a middleware's `next`
/// cannot outlive the middleware's call.
struct RequestDeadlineResponder<Base: HTTPResponder>: HTTPResponder where Base.Context == SyncRequestContext {
    /// The router's responder.
    let base: Base
    /// How long a request may take.
    let timeout: Duration
    /// How long a request of a route that checks or hashes a password (sign-in, registration)
    /// may take, when longer than ``timeout``: its bcrypt waits in the hasher's own bounded queue,
    /// which answers `503` at once when full, so a short deadline would only throw its work away.
    var passwordTimeout: Duration = .zero
    /// The largest body read.
    let maxBodyBytes: Int
    let logger: Logger

    func respond(to request: Request, context: Base.Context) async throws -> Response {
        let start = ContinuousClock.now
        let timeout = Self.passwordPaths.contains(request.uri.path) ? max(timeout, passwordTimeout) : timeout
        var request = request
        var context = context
        context.maxUploadSize = maxBodyBytes
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes {
            // Outside the router, so no middleware turns errors into answers.
            return try Problem(.payloadTooLarge, "the request body is \(length) bytes; the limit is \(maxBodyBytes)")
                .response(from: request, context: context)
        }
        if Self.hasBody(request) {
            do {
                guard let body = try await readBody(of: request, until: start + timeout) else {
                    return try timedOut(request, context: context, after: timeout)
                }
                request.body = RequestBody(buffer: body)
            } catch is NIOTooManyBytesError {
                // Outside the router, so no middleware turns errors into answers.
                return try Problem(.payloadTooLarge, "the request body is larger than \(maxBodyBytes) bytes")
                    .response(from: request, context: context)
            }
        }
        // The request's logger: its lines carry the request id.
        let base = base, logger = context.logger
        let answer = await Deadline.run(timeout: timeout - (ContinuousClock.now - start)) { [request, context] in
            let result: Result<Response, any Error>
            do {
                result = .success(try await base.respond(to: request, context: context))
            } catch {
                result = .failure(error)
            }
            let took = ContinuousClock.now - start
            if took > timeout {
                logger.notice(
                    "request finished after its deadline",
                    metadata: [
                        "http.method": "\(request.method)", "http.path": "\(request.uri.path)", "duration": "\(took)",
                    ])
            }
            return result
        }
        guard let answer else {
            try Task.checkCancellation()
            return try timedOut(request, context: context, after: timeout)
        }
        return try answer.get()
    }

    /// Whether the request has a body to read (HTTP/1.1: a non-zero `Content-Length`, or
    /// `Transfer-Encoding`); most GETs have none, and skip the read.
    private static func hasBody(_ request: Request) -> Bool {
        if let length = request.headers[.contentLength] { return length != "0" }
        return request.headers[.transferEncoding] != nil
    }

    /// The body, or `nil` when the deadline passed first (the read is then cancelled, and waited for:
    /// it stops at once). Throws `NIOTooManyBytesError` past `maxBodyBytes`.
    private func readBody(of request: Request, until deadline: ContinuousClock.Instant) async throws -> ByteBuffer? {
        let maxBodyBytes = maxBodyBytes
        return try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask { try await request.body.collect(upTo: maxBodyBytes) }
            group.addTask {
                try await Task.sleep(until: deadline, clock: .continuous)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }

    /// The routes whose requests get ``passwordTimeout``.
    static var passwordPaths: Set<String> { ["/v1/auth/login", "/v1/auth/register"] }

    /// The `503` at the deadline.
    private func timedOut(_ request: Request, context: Base.Context, after timeout: Duration) throws -> Response {
        context.logger.warning(
            "request cancelled at its deadline",
            metadata: [
                "http.method": "\(request.method)", "http.path": "\(request.uri.path)", "deadline": "\(timeout)",
            ])
        return try Problem(
            .unavailable,
            "the server could not answer within \(timeout.components.seconds) s: it was busy, or its database was unreachable; retry shortly",
            retryAfter: 1
        ).response(from: request, context: context)
    }
}
