import Hummingbird
import SyncProtocol

/// Answers `426 upgrade_required` to a client whose `Tidemark-Protocol` is older than the oldest
/// version this server still speaks, before it can read or write anything in an old format.
public struct ProtocolVersionMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The oldest supported version.
    public let minimum: ProtocolVersion

    /// Creates the middleware.
    public init(minimum: ProtocolVersion = .current) { self.minimum = minimum }

    /// Checks the header, then passes the request on.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let value = request.headers.first(where: { $0.name.canonicalName == SyncHeaders.protocolVersion.lowercased() })?.value {
            guard let number = Int(value) else {
                throw Problem(.badRequest, code: "invalid", message: "\(SyncHeaders.protocolVersion) must be an integer")
            }
            if ProtocolVersion(number) < minimum {
                throw Problem(.upgradeRequired, code: "upgrade_required", message: "this app speaks sync protocol \(number); the server needs \(minimum) or newer: update the app")
            }
        }
        return try await next(request, context)
    }
}
