import Foundation
import Hummingbird
import NIOCore

extension LoopbackHTTPRequest {
    /// The request a stand-in's handler sees for a Hummingbird `request` whose whole body is `body`.
    init(_ request: Request, body: ByteBuffer) {
        self.init(
            method: request.method.rawValue,
            path: request.uri.path,
            query: request.uri.query,
            headers: request.headers.map { (name: $0.name.rawName, value: $0.value) },
            body: Data(body.readableBytesView)
        )
    }
}
