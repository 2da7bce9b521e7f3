import Foundation
import PushProviders
import Synchronization

/// A local webhook gateway: verifies `Tidemark-Signature` with the shared secret (401 when missing,
/// wrong or outside the tolerance by the injected clock), checks the JSON body (400), records each
/// delivery and answers the next scripted reply for its token (``script(_:for:)``) or
/// `200 {"id":"<uuid>"}`. Listens at ``url`` (`http://127.0.0.1:<port>/hook`).
public final class WebhookStandIn: LoopbackStandIn {
    private struct State: Sendable {
        var scripted: [String: [LoopbackHTTPResponse]] = [:]
        var deliveries: [WebhookStandInDelivery] = []
        var rejections: [String] = []
        var requestCount = 0
    }

    /// The server it listens with.
    public let server = LoopbackHTTPServer()
    private let state = Mutex(State())
    private let secret: String
    private let tolerance: TimeInterval
    private let now: @Sendable () -> Date

    /// Creates a stand-in that is not listening yet.
    public init(secret: String, tolerance: TimeInterval = 300, now: @escaping @Sendable () -> Date = { Date() }) {
        self.secret = secret
        self.tolerance = tolerance
        self.now = now
    }

    /// Creates and starts a stand-in on `port` (`0`: an ephemeral port).
    public static func start(
        secret: String, port: Int = 0, tolerance: TimeInterval = 300, now: @escaping @Sendable () -> Date = { Date() }
    ) async throws -> WebhookStandIn {
        let standIn = WebhookStandIn(secret: secret, tolerance: tolerance, now: now)
        try await standIn.start(port: port)
        return standIn
    }

    /// The URL to configure: `http://127.0.0.1:<port>/hook`.
    public var url: URL {
        URL(string: origin + "/hook") ?? URL(fileURLWithPath: "/")
    }

    /// Queues replies for deliveries to `token`; each delivery takes the next one, then `200` again.
    public func script(_ replies: [LoopbackHTTPResponse], for token: String) {
        state.withLock { $0.scripted[token, default: []].append(contentsOf: replies) }
    }

    /// Every delivery whose signature verified, oldest first.
    public var deliveries: [WebhookStandInDelivery] { state.withLock { $0.deliveries } }
    /// Why requests were refused, oldest first.
    public var rejections: [String] { state.withLock { $0.rejections } }
    /// How many requests arrived.
    public var requestCount: Int { state.withLock { $0.requestCount } }

    private func reject(_ status: Int, _ reason: String) -> LoopbackHTTPResponse {
        state.withLock { $0.rejections.append("\(status) \(reason)") }
        return .json(status: status, ["error": reason])
    }

    /// Answers a delivery (`POST /hook`), with the checks listed on the type.
    public func respond(to request: LoopbackHTTPRequest) -> LoopbackHTTPResponse {
        state.withLock { $0.requestCount += 1 }
        guard request.path == "/hook" else { return reject(404, "no such path") }
        guard request.method == "POST" else { return reject(405, "method not allowed") }
        let signature = request.header(WebhookSignature.headerName)
        do throws(PushProviderError) {
            try WebhookSignature.verify(header: signature, body: request.body, secret: secret, now: now(), tolerance: tolerance)
        } catch {
            return reject(401, error.message)
        }
        guard request.header("Content-Type")?.lowercased().hasPrefix("application/json") == true else {
            return reject(415, "Content-Type must be application/json")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any],
            let id = object["id"] as? String, let token = object["token"] as? String,
            let title = object["title"] as? String, let body = object["body"] as? String,
            let data = object["data"] as? [String: String], let priority = object["priority"] as? String,
            let expiresAt = object["expires_at"] as? String
        else { return reject(400, "body lacks a required field") }
        let collapseKey = object["collapse_key"] as? String
        return state.withLock { state -> LoopbackHTTPResponse in
            let scripted = state.scripted[token]?.isEmpty == false ? state.scripted[token]?.removeFirst() : nil
            let reply = scripted ?? .json(status: 200, ["id": UUID().uuidString.lowercased()])
            state.deliveries.append(
                WebhookStandInDelivery(
                    deliveryHeader: request.header("Tidemark-Delivery"), signature: signature ?? "", id: id, token: token, title: title,
                    body: body, data: data, collapseKey: collapseKey, priority: priority, expiresAt: expiresAt,
                    headers: request.headerDictionary, rawBody: request.body, replyStatus: reply.status
                )
            )
            return reply
        }
    }
}
