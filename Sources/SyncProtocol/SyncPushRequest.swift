/// The body of `POST /v1/sync/push`: mutations of the signed-in device, in sequence order.
public struct SyncPushRequest: Sendable, Hashable, Codable {
    /// 1-100 mutations with strictly increasing `seq`.
    public var mutations: [Mutation]

    /// Creates a request.
    public init(mutations: [Mutation]) { self.mutations = mutations }
}
