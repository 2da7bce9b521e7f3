import SyncProtocol

/// A validated push waiting to be applied: the batch, who sent it and its HTTP request id.
struct PendingPush: Sendable {
    var request: SyncPushRequest
    var identity: Identity
    /// The push's HTTP request id: the correlation id of its events (`nil`: none).
    var requestID: String?
}
