/// The answer to `POST /v1/sync/push`: one result per mutation, in the request's order.
public struct SyncPushResponse: Sendable, Hashable, Codable {
    /// The results.
    public var results: [MutationResult]
    /// The highest sequence number the server has answered for this device.
    public var lastSeq: Int64

    /// Creates a response.
    public init(results: [MutationResult], lastSeq: Int64) {
        self.results = results
        self.lastSeq = lastSeq
    }

    enum CodingKeys: String, CodingKey {
        case results
        case lastSeq = "last_seq"
    }
}
