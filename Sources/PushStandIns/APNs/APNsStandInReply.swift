import Foundation
import PushProviders

extension APNsStandIn {
    /// A scripted answer for requests to one device token (see ``APNsStandIn/script(token:_:times:)``).
    public enum Reply: Sendable, Equatable {
        /// Answer with the status and `{"reason":…}` body APNs uses for `reason`, optionally with a
        /// `Retry-After` header (seconds) and, for `410`, a `timestamp` (sent in milliseconds).
        case reject(APNsReason, retryAfter: Int? = nil, timestamp: Date? = nil)
        /// Wait this long, then handle the request normally (to test deadlines).
        case delay(Duration)
        /// Send an HTTP/2 GOAWAY on the request's connection and close it without answering. The
        /// GOAWAY's last stream id lies below the request's stream: APNs did not process it (nor
        /// any later stream of the connection), so it may be sent again at once.
        case goAway
        /// Accept the notification (the device gets it), then send a GOAWAY whose last stream id
        /// includes the request's stream and close the connection without answering: the sender
        /// cannot tell whether it arrived.
        case goAwayAfterProcessing
    }
}
