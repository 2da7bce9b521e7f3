import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One HTTP exchange with a server at `baseURL`, for tests that have no ``SyncHarness``.
enum HTTPCall {
    /// Sends a request (JSON `body`, or `rawBody` as is) and collects the answer.
    static func send(
        _ method: Verb, _ url: String, body: (any Encodable)? = nil, rawBody: Data? = nil, token: String? = nil,
        headers: [(String, String)] = []
    ) async throws -> HTTPAnswer {
        var request = HTTPClientRequest(url: url)
        request.method = HTTPMethod(rawValue: method.rawValue)
        request.headers.add(name: "Tidemark-Protocol", value: "1")
        request.headers.add(name: "Connection", value: "close")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        if let data = try rawBody ?? body.map({ try JSONEncoder().encode($0) }) {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: data))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let data = try await response.body.collect(upTo: 64 << 20)
        return HTTPAnswer(
            status: Int(response.status.code), body: Data(data.readableBytesView),
            retryAfter: response.headers.first(name: "Retry-After"), contentType: response.headers.first(name: "Content-Type"),
            requestID: response.headers.first(name: "X-Request-Id"))
    }
}
