import Hummingbird

/// A responder that runs a middleware around another responder, for a middleware that must see
/// every answer the server writes, including those made outside the router (`405`, `413` and
/// `503` at the deadline).
struct MiddlewareResponder<Middleware: RouterMiddleware, Base: HTTPResponder>: HTTPResponder where Middleware.Context == Base.Context {
    /// The middleware.
    let middleware: Middleware
    /// The responder it wraps.
    let base: Base

    func respond(to request: Request, context: Base.Context) async throws -> Response {
        try await middleware.handle(request, context: context) { request, context in
            try await base.respond(to: request, context: context)
        }
    }
}
