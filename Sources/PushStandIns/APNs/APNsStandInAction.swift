import NIOCore
import NIOHTTP1

/// What the stream handler does with a request.
enum APNsStandInAction {
    /// Answer with this status, these headers and this body.
    case respond(status: Int, headers: HTTPHeaders, body: String)
    /// Wait, then handle the request again without consulting the script.
    case delay(TimeAmount)
    /// Send GOAWAY and close the connection without answering. The GOAWAY's last stream id is
    /// this request's stream when `processed` (the request may have been handled), else the
    /// stream before it (this request and every later one were refused unprocessed).
    case goAway(processed: Bool)
}
