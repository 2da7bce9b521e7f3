import Hummingbird

/// Refuses request bodies whose declared length exceeds a limit, before reading them.
public struct BodyLimitMiddleware<Context: RequestContext>: RouterMiddleware {
    let maxBytes: Int

    /// Creates the middleware.
    public init(maxBytes: Int) { self.maxBytes = maxBytes }

    /// Checks `Content-Length`, then passes the request on.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBytes {
            throw Problem(.payloadTooLarge, "the request body is \(length) bytes; the limit is \(maxBytes)")
        }
        return try await next(request, context)
    }
}
