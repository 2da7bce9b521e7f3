import Domain
import Hummingbird
import SyncProtocol

/// `/v1/auth/…`: register, login, refresh, logout, and the session list and revocation.
public struct AuthController: Sendable {
    /// The service.
    public let auth: AuthService
    /// The largest body accepted.
    public let maxBody: Int

    /// Creates the controller.
    public init(auth: AuthService, maxBody: Int = 16 * 1024) {
        self.auth = auth
        self.maxBody = maxBody
    }

    /// Adds the public routes (no token needed).
    public func addPublicRoutes(to group: RouterGroup<SyncRequestContext>) {
        group.post("auth/register") { request, context in
            let body = try await JSONBody.decode(RegisterRequest.self, from: request, context: context, limit: maxBody)
            try CredentialFields.check(body)
            let (user, tenant) = try await auth.register(body, from: clientAddress(request, context))
            return try JSONBody.response(["user_id": user.description, "tenant_id": tenant.description], status: .created)
        }
        group.post("auth/login") { request, context in
            let body = try await JSONBody.decode(LoginRequest.self, from: request, context: context, limit: maxBody)
            try CredentialFields.check(body)
            return try JSONBody.response(try await auth.login(body, from: clientAddress(request, context)))
        }
        group.post("auth/refresh") { request, context in
            let body = try await JSONBody.decode(RefreshRequest.self, from: request, context: context, limit: maxBody)
            return try JSONBody.response(try await auth.refresh(body.refreshToken, from: clientAddress(request, context)))
        }
    }

    /// Where `request` came from (see ``ClientAddress``).
    func clientAddress(_ request: Request, _ context: SyncRequestContext) -> ClientAddress {
        ClientAddress(request: request, peer: context.remoteAddress, trustedProxies: auth.options.trustedProxies)
    }

    /// Adds the routes that need a signed-in caller.
    public func addRoutes(to group: RouterGroup<SyncRequestContext>) {
        group.post("auth/logout") { _, context in
            try await auth.logout(try context.requireIdentity())
            return Response(status: .noContent)
        }
        group.get("auth/sessions") { request, context in
            let identity = try context.requireIdentity()
            var user = identity.userID
            if let text = request.uri.queryParameters.get("user_id") {
                guard let id = UserID(text) else { throw AuthError(.invalid, "user_id must be a UUID") }
                user = id
            }
            return try JSONBody.response(["sessions": try await auth.sessions(of: user, by: identity)])
        }
        group.delete("auth/sessions/:session_id") { _, context in
            let identity = try context.requireIdentity()
            try await auth.revoke(sessionID: context.parameters.get("session_id") ?? "", by: identity)
            return Response(status: .noContent)
        }
    }
}
