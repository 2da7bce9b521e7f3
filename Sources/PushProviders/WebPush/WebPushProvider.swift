import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Delivers messages through the Web Push protocol (RFC 8030) with message encryption (RFC 8291) and
/// VAPID (RFC 8292). The device token is the browser's subscription JSON (see ``WebPushSubscription``).
///
/// Outcomes:
/// - 200/201/202 → `.accepted(providerID:)` with the `Location` header (the push message resource).
/// - 404 and 410 → `.invalidToken` (the subscription expired or was removed).
/// - 401 and 403 → `.credentialsRejected` (the push service refused our VAPID token or key).
/// - 429 and 5xx → `.retry(after:)` with `Retry-After` when given.
/// - 413, 400 and other 4xx → `.failed`.
/// - A token that is not JSON of the subscription's shape → `.failed` ("BadSubscription: malformed…"):
///   the text never came from a browser, so it is most likely our own storage or API bug and must not
///   silently disable the device. A well-formed subscription whose endpoint or keys are unusable
///   (not https, not a P-256 point, auth not 16 bytes) → `.invalidToken` ("BadSubscription: …"):
///   no message can ever reach it, and the browser has to subscribe again.
/// - A message already past `expiresAt` → `.failed` without contacting the push service; a payload
///   whose plaintext exceeds 3993 bytes → `.failed`.
/// - Timeouts and transport errors → `.retry(after: nil)`.
public final class WebPushProvider: PushProvider {
    /// `webpush`.
    public let name = "webpush"

    private let configuration: WebPushConfiguration
    private let http: ProviderHTTPClient
    private let tokens: VAPIDTokenCache

    /// Creates a provider. When `httpClient` is `nil` the provider creates and owns one (closed by ``shutdown()``).
    public init(configuration: WebPushConfiguration, httpClient: HTTPClient? = nil) {
        self.configuration = configuration
        self.http = ProviderHTTPClient(given: httpClient, trustRoots: configuration.trustRoots)
        self.tokens = VAPIDTokenCache(
            key: configuration.vapidKey, subject: configuration.subject, lifetime: configuration.tokenLifetime, now: configuration.now
        )
    }

    /// The VAPID public key (base64url) browsers pass as `applicationServerKey` when subscribing.
    public var applicationServerKey: String {
        configuration.vapidKey.publicKeyBase64URL
    }

    /// Closes the HTTP client if the provider created it; a second call does nothing.
    public func shutdown() async throws {
        try await http.shutdown()
    }

    /// Encrypts and posts one message to its subscription's endpoint.
    public func send(_ message: PushMessage) async -> PushOutcome {
        let subscription: WebPushSubscription
        do throws(PushProviderError) {
            subscription = try WebPushSubscription(json: message.token, allowPlainHTTP: configuration.allowsPlainHTTPEndpoints)
        } catch {
            if error.code == .malformedSubscription {
                return .failed(reason: error.message)
            }
            return .invalidToken(reason: error.message, since: nil)
        }
        let now = configuration.now()
        let remaining = message.expiresAt.timeIntervalSince(now)
        guard remaining > 0 else { return .failed(reason: "expired before sending") }
        let ttl = Int(remaining.rounded(.down))

        let body: Data
        do throws(PushProviderError) {
            body = try WebPushEncryption.encrypt(Self.payload(for: message), for: subscription)
        } catch {
            return .failed(reason: error.message)
        }
        guard let audience = VAPID.audience(for: subscription.endpoint) else {
            return .invalidToken(reason: "BadSubscription: endpoint has no origin", since: nil)
        }
        let authorization: String
        do {
            authorization = try await tokens.authorization(for: audience)
        } catch {
            return .credentialsRejected(reason: "cannot sign VAPID token: \(error)")
        }

        var request = HTTPClientRequest(url: subscription.endpoint.absoluteString)
        request.method = .POST
        request.headers.add(name: "Authorization", value: authorization)
        request.headers.add(name: "TTL", value: String(ttl))
        request.headers.add(name: "Urgency", value: message.priority == .high ? "high" : "normal")
        if let collapseKey = message.collapseKey, !collapseKey.isEmpty {
            request.headers.add(name: "Topic", value: WebPushTopic.make(from: collapseKey))
        }
        request.headers.add(name: "Content-Encoding", value: "aes128gcm")
        request.headers.add(name: "Content-Type", value: "application/octet-stream")
        request.body = .bytes(ByteBuffer(bytes: body))

        do {
            let response = try await http.client.execute(request, timeout: PushHTTPClientFactory.timeAmount(configuration.requestTimeout))
            let responseBody = try await response.body.collect(upTo: 64 * 1024)
            let text = String(buffer: responseBody).prefix(300)
            return outcome(status: Int(response.status.code), headers: response.headers, text: String(text))
        } catch {
            return .retry(reason: PushHTTPClientFactory.describe(error), after: nil)
        }
    }

    private func outcome(status: Int, headers: HTTPHeaders, text: String) -> PushOutcome {
        let detail = text.isEmpty ? "" : ": \(text)"
        switch status {
        case 200, 201, 202:
            return .accepted(providerID: headers.first(name: "Location"))
        case 404, 410:
            return .invalidToken(reason: "push service answered \(status)\(detail)", since: nil)
        case 401, 403:
            return .credentialsRejected(reason: "push service refused VAPID credentials (\(status))\(detail)")
        case 413:
            return .failed(reason: "payload too large (413)\(detail)")
        case 429, 500...599:
            return .retry(
                reason: "push service answered \(status)\(detail)",
                after: HTTPRetryAfter.parse(headers.first(name: "Retry-After"), now: configuration.now())
            )
        default:
            return .failed(reason: "push service answered \(status)\(detail)")
        }
    }

    /// The JSON the service worker receives: `id`, `title`, `body`, `data`, and when set
    /// `collapse_key`, `badge`, `thread_id`; plus `priority`.
    static func payload(for message: PushMessage) -> Data {
        var object: [String: Any] = [
            "id": message.id.uuidString.lowercased(),
            "title": message.title,
            "body": message.body,
            "data": message.data,
            "priority": message.priority.rawValue,
        ]
        if let collapseKey = message.collapseKey { object["collapse_key"] = collapseKey }
        if let badge = message.badge { object["badge"] = badge }
        if let threadID = message.threadID { object["thread_id"] = threadID }
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }
}
