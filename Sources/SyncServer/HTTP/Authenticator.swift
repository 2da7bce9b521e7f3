import Foundation
import Hummingbird

/// Verifies `Authorization: Bearer <access token>` (or `?access_token=` on WebSocket upgrades,
/// which browsers cannot send headers with) and stores the caller in the context.
public struct Authenticator: RouterMiddleware {
    /// The service that checks tokens and sessions.
    public let auth: AuthService
    /// Whether `?access_token=` is accepted (WebSocket upgrades only: URLs end up in logs).
    public let acceptsQueryToken: Bool

    /// Creates the middleware.
    public init(auth: AuthService, acceptsQueryToken: Bool = false) {
        self.auth = auth
        self.acceptsQueryToken = acceptsQueryToken
    }

    /// Authenticates, then passes the request on.
    public func handle(
        _ request: Request, context: SyncRequestContext, next: (Request, SyncRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        let header = request.headers[.authorization]
        let token: String?
        if let header, header.lowercased().hasPrefix("bearer ") {
            token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        } else if acceptsQueryToken {
            token = request.uri.queryParameters.get("access_token")
        } else {
            token = nil
        }
        guard let token, !token.isEmpty else {
            throw AuthError(.unauthorized, "sign in first: send Authorization: Bearer <access token>")
        }
        context.identity = try await auth.authenticate(bearer: token)
        return try await next(request, context)
    }
}
