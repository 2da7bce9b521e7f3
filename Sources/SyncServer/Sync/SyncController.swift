import Hummingbird
import SyncProtocol

/// `POST /v1/sync/push` and `GET /v1/sync/pull`.
public struct SyncController: Sendable {
    /// Applies pushed mutations.
    public let push: SyncPushService
    /// Answers pulls.
    public let pull: PullService
    /// The largest push body.
    public let maxBody: Int
    /// The page size when the client names none.
    public let defaultLimit: Int

    /// Creates the controller.
    public init(push: SyncPushService, pull: PullService, maxBody: Int, defaultLimit: Int = 500) {
        self.push = push
        self.pull = pull
        self.maxBody = maxBody
        self.defaultLimit = defaultLimit
    }

    /// Adds the routes (they need a signed-in caller).
    public func addRoutes(to group: RouterGroup<SyncRequestContext>) {
        group.post("sync/push") { request, context in
            let identity = try context.requireIdentity()
            let body = try await JSONBody.decode(SyncPushRequest.self, from: request, context: context, limit: maxBody)
            return try JSONBody.response(try await push.push(body, identity: identity))
        }
        group.get("sync/pull") { request, context in
            let identity = try context.requireIdentity()
            let parameters = request.uri.queryParameters
            var limit = defaultLimit
            if let text = parameters.get("limit") {
                guard let value = Int(text) else { throw Problem(.invalid, "limit must be an integer") }
                limit = value
            }
            let cursor = parameters.get("cursor").flatMap { $0.isEmpty ? nil : $0 }
            let page = try await pull.pull(identity: identity, cursor: cursor, limit: limit)
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: page.json)))
        }
    }
}
