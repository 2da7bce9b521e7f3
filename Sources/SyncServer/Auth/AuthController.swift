import Domain
import Hummingbird
import SyncProtocol

/// `/v1/auth/…`: register, login, refresh, logout, and the session list and revocation.
public struct AuthController: Sendable {
    /// The service.
    public let auth: AuthService

    /// Creates the controller.
    public init(auth: AuthService) {
        self.auth = auth
    }

    /// Adds the public routes (no token needed; bodies of at most 16 KiB, see ``CredentialRequestContext``).
    public func addPublicRoutes(to group: RouterGroup<CredentialRequestContext>) {
        group.post("auth/register") { request, context in
            let body = try await request.decode(as: RegisterRequest.self, context: context)
            try CredentialFields.check(body)
            let (user, tenant) = try await auth.register(body, from: clientAddress(request, context))
            return try context.responseEncoder.encode(["user_id": user.description, "tenant_id": tenant.description], status: .created)
        }
        group.post("auth/login") { request, context in
            let body = try await request.decode(as: LoginRequest.self, context: context)
            try CredentialFields.check(body)
            return try context.responseEncoder.encode(try await auth.login(body, from: clientAddress(request, context)), from: request, context: context)
        }
        group.post("auth/refresh") { request, context in
            let body = try await request.decode(as: RefreshRequest.self, context: context)
            return try context.responseEncoder.encode(
                try await auth.refresh(body.refreshToken, from: clientAddress(request, context)), from: request, context: context)
        }
    }

    /// Where `request` came from (see ``ClientAddress``).
    func clientAddress(_ request: Request, _ context: CredentialRequestContext) -> ClientAddress {
        ClientAddress(request: request, peer: context.remoteAddress, trustedProxies: auth.options.trustedProxies)
    }

    /// Adds the routes that need a signed-in caller.
    public func addRoutes(to group: RouterGroup<AuthenticatedRequestContext>) {
        group.post("auth/logout") { _, context in
            try await auth.logout(context.identity)
            return Response(status: .noContent)
        }
        group.get("auth/sessions") { request, context in
            var user = context.identity.userID
            if let text = request.uri.queryParameters.get("user_id") {
                guard let id = UserID(text) else { throw AuthError(.invalid, "user_id must be a UUID") }
                user = id
            }
            return try context.responseEncoder.encode(
                ["sessions": try await auth.sessions(of: user, by: context.identity)], from: request, context: context)
        }
        group.delete("auth/sessions/:session_id") { _, context in
            try await auth.revoke(sessionID: context.parameters.get("session_id") ?? "", by: context.identity)
            return Response(status: .noContent)
        }
    }
}
