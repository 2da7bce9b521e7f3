import NIOCore
import NIOHTTP1

/// One complete request as the stand-in received it.
struct APNsStandInRequest: Sendable {
    var method: HTTPMethod
    var path: String
    var headers: HTTPHeaders
    var body: ByteBuffer
}
