import HTTPTypes
import Hummingbird
import SyncProtocol

/// `POST /v1/sync/push` and `GET /v1/sync/pull`.
public struct SyncController: Sendable {
    /// Applies pushed mutations.
    public let push: SyncPushService
    /// Answers pulls.
    public let pull: PullService
    /// The page size when the client names none.
    public let defaultLimit: Int
    /// Where pushes and pulls are counted.
    public let metrics: SyncMetrics

    /// Creates the controller.
    public init(push: SyncPushService, pull: PullService, defaultLimit: Int = 500, metrics: SyncMetrics = SyncMetrics()) {
        self.push = push
        self.pull = pull
        self.defaultLimit = defaultLimit
        self.metrics = metrics
    }

    /// `X-Tidemark-Read-Source`: where the pull page was read (`primary` or `standby`).
    static let readSourceHeader = HTTPField.Name(ReadSource.headerName)
    /// `Server-Timing`: the page's query and encoding time (``PullServerTiming``).
    static let serverTimingHeader = HTTPField.Name(SyncHeaders.serverTiming)

    /// Adds the routes (they need a signed-in caller).
    public func addRoutes(to group: RouterGroup<AuthenticatedRequestContext>) {
        group.post("sync/push") { request, context in
            let response: SyncPushResponse
            do {
                let body = try await request.decode(as: SyncPushRequest.self, context: context)
                // The events' correlation id: the request's id (see `RequestIDMiddleware`).
                response = try await push.push(body, identity: context.identity, requestID: context.id)
            } catch {
                metrics.pushFailed(error)
                throw error
            }
            metrics.pushed(response)
            return try context.responseEncoder.encode(response, from: request, context: context)
        }
        group.get("sync/pull") { request, context in
            let parameters = request.uri.queryParameters
            var limit = defaultLimit
            if let text = parameters.get("limit") {
                guard let value = Int(text) else { throw Problem(.invalid, "limit must be an integer") }
                limit = value
            }
            let cursor = parameters.get("cursor").flatMap { $0.isEmpty ? nil : $0 }
            let clock = ContinuousClock()
            let start = clock.now
            let page = try await pull.pull(identity: context.identity, cursor: cursor, limit: limit)
            let read = clock.now
            let body = ByteBuffer(string: page.json)
            let timing = PullServerTiming(query: read - start, encode: clock.now - read)
            metrics.pulled(page)
            var headers: HTTPFields = [.contentType: "application/json"]
            if let name = Self.readSourceHeader { headers[name] = page.source.rawValue }
            if let name = Self.serverTimingHeader { headers[name] = timing.headerValue }
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
        }
    }
}
