import Hummingbird

/// Wraps the router's responder: a request whose path is routed, but not for its method (`TRACE
/// /health`, `DELETE /v1/sync/push`), is answered `405 method_not_allowed` with `Allow` instead of
/// the router's `404 not_found`.
struct MethodNotAllowedResponder<Base: HTTPResponder>: HTTPResponder where Base.Context: RequestContext {
    /// The router's responder.
    let base: Base
    /// The routed methods of every path (of the HTTP and the WebSocket router).
    let routes: RouteMethods

    func respond(to request: Request, context: Base.Context) async throws -> Response {
        let response = try await base.respond(to: request, context: context)
        // The router names the endpoint of a request it found no route for "NotFound"; a handler's
        // own 404 (an unknown todo) carries its route's path instead.
        guard response.status == .notFound, context.endpointPath == nil || context.endpointPath == "NotFound" else { return response }
        let allowed = routes.methods(forPath: request.uri.path)
        guard !allowed.isEmpty, !allowed.contains(request.method) else { return response }
        let list = allowed.map(\.rawValue).joined(separator: ", ")
        var answer = try Problem(
            .methodNotAllowed, "\(request.method.rawValue) is not allowed here; use \(list)"
        ).response(from: request, context: context)
        answer.headers[.allow] = list
        return answer
    }
}
