import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Delivers messages through Firebase Cloud Messaging HTTP v1
/// (`POST {base}/v1/projects/{project}/messages:send`), authenticating with OAuth2 tokens obtained
/// from the service account's key (see ``FCMAccessTokenCache``).
///
/// Outcomes, by FCM `errorCode` (falling back to the gRPC `status`, then the HTTP status):
/// - 200 → `.accepted(providerID:)` with the message `name`.
/// - `UNREGISTERED`, `SENDER_ID_MISMATCH` (and a bare `NOT_FOUND`) → `.invalidToken`.
/// - `INVALID_ARGUMENT` → `.invalidToken` when the message says the registration token is not valid,
///   otherwise `.failed` (our request is malformed).
/// - `QUOTA_EXCEEDED` / `RESOURCE_EXHAUSTED` / 429 → `.retry(after: max(Retry-After, 60 s))`.
/// - `UNAVAILABLE`, `INTERNAL`, other 5xx → `.retry(after: Retry-After)`.
/// - `THIRD_PARTY_AUTH_ERROR`, `PERMISSION_DENIED` → `.credentialsRejected`.
/// - 401 / `UNAUTHENTICATED`: the cached OAuth token is dropped, a new one fetched and the send
///   retried once; a second refusal → `.credentialsRejected`.
/// - The token endpoint refusing the service account → `.credentialsRejected`; it being unreachable → `.retry`.
/// - Expired messages → `.failed` without sending; timeouts and transport errors → `.retry`.
public final class FCMProvider: PushProvider {
    /// `fcm`.
    public let name = "fcm"

    private let configuration: FCMConfiguration
    private let http: ProviderHTTPClient
    /// The OAuth2 token cache this provider uses (exposed for diagnostics and tests).
    public let tokens: FCMAccessTokenCache

    /// Creates a provider. When `httpClient` is `nil` the provider creates and owns one (closed by ``shutdown()``).
    public init(configuration: FCMConfiguration, httpClient: HTTPClient? = nil) {
        self.configuration = configuration
        self.http = ProviderHTTPClient(given: httpClient, trustRoots: configuration.trustRoots)
        self.tokens = FCMAccessTokenCache(
            account: configuration.serviceAccount, httpClient: self.http.client,
            requestTimeout: configuration.requestTimeout, now: configuration.now
        )
    }

    /// Closes the HTTP client if the provider created it; a second call does nothing.
    public func shutdown() async throws {
        try await http.shutdown()
    }

    /// The send URL for this project.
    public var sendURL: String {
        var base = configuration.endpointBase.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        let project =
            configuration.serviceAccount.projectID.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? configuration.serviceAccount.projectID
        return "\(base)/v1/projects/\(project)/messages:send"
    }

    /// Sends one message; see the type's documentation for the outcome mapping.
    public func send(_ message: PushMessage) async -> PushOutcome {
        let remaining = message.expiresAt.timeIntervalSince(configuration.now())
        guard remaining > 0 else { return .failed(reason: "expired before sending") }
        guard !message.token.isEmpty else { return .invalidToken(reason: "empty registration token", since: nil) }
        let body = Self.requestBody(for: message, ttlSeconds: Int(remaining.rounded(.down)))

        for attempt in 0..<2 {
            let accessToken: String
            do throws(PushProviderError) {
                accessToken = try await tokens.token()
            } catch {
                if error.code == .tokenUnavailable {
                    return .retry(reason: error.message, after: error.retryAfter)
                }
                return .credentialsRejected(reason: error.message)
            }
            switch await post(body, accessToken: accessToken) {
            case .done(let outcome):
                return outcome
            case .unauthenticated(let detail):
                await tokens.invalidate(accessToken)
                if attempt == 1 {
                    return .credentialsRejected(reason: "FCM refused a fresh access token: \(detail)")
                }
            }
        }
        return .credentialsRejected(reason: "FCM refused the access token")
    }

    private enum PostResult {
        case done(PushOutcome)
        case unauthenticated(String)
    }

    private func post(_ body: Data, accessToken: String) async -> PostResult {
        var request = HTTPClientRequest(url: sendURL)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(accessToken)")
        request.headers.add(name: "Content-Type", value: "application/json; charset=UTF-8")
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await http.client.execute(request, timeout: PushHTTPClientFactory.timeAmount(configuration.requestTimeout))
            let bytes = try await response.body.collect(upTo: 256 * 1024)
            let data = Data(bytes.readableBytesView)
            let status = Int(response.status.code)
            if status == 200 {
                let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
                return .done(.accepted(providerID: object?["name"] as? String))
            }
            let retryAfter = HTTPRetryAfter.parse(response.headers.first(name: "Retry-After"), now: configuration.now())
            return Self.classify(status: status, reply: FCMErrorReply(body: data), retryAfter: retryAfter)
        } catch {
            return .done(.retry(reason: PushHTTPClientFactory.describe(error), after: nil))
        }
    }

    private static func classify(status: Int, reply: FCMErrorReply, retryAfter: Duration?) -> PostResult {
        let code = reply.effectiveCode ?? ""
        let reason = "FCM \(status) \(code): \(reply.message)".trimmingCharacters(in: .whitespaces)
        let minimumQuotaWait = Duration.seconds(60)
        switch code {
        case "UNREGISTERED", "SENDER_ID_MISMATCH", "NOT_FOUND":
            return .done(.invalidToken(reason: reason, since: nil))
        case "INVALID_ARGUMENT":
            let text = reply.message.lowercased()
            if text.contains("registration token") && text.contains("not a valid") {
                return .done(.invalidToken(reason: reason, since: nil))
            }
            return .done(.failed(reason: reason))
        case "QUOTA_EXCEEDED", "RESOURCE_EXHAUSTED":
            return .done(.retry(reason: reason, after: max(retryAfter ?? minimumQuotaWait, minimumQuotaWait)))
        case "UNAVAILABLE", "INTERNAL":
            return .done(.retry(reason: reason, after: retryAfter))
        case "THIRD_PARTY_AUTH_ERROR", "PERMISSION_DENIED":
            return .done(.credentialsRejected(reason: reason))
        case "UNAUTHENTICATED":
            return .unauthenticated(reason)
        default:
            switch status {
            case 401: return .unauthenticated(reason)
            case 403: return .done(.credentialsRejected(reason: reason))
            case 404: return .done(.invalidToken(reason: reason, since: nil))
            case 429: return .done(.retry(reason: reason, after: max(retryAfter ?? minimumQuotaWait, minimumQuotaWait)))
            case 500...599: return .done(.retry(reason: reason, after: retryAfter))
            default: return .done(.failed(reason: reason))
            }
        }
    }

    /// The `{"message":{…}}` body: token, notification, data (plus `delivery_id`), android and apns
    /// blocks. `android.notification.tag` and the `apns-collapse-id` header are the collapse key,
    /// else the delivery id: a resend replaces its first copy, never another notification.
    static func requestBody(for message: PushMessage, ttlSeconds: Int) -> Data {
        var data = message.data
        let deliveryID = message.id.uuidString.lowercased()
        data["delivery_id"] = deliveryID
        var android: [String: Any] = [
            "priority": message.priority == .high ? "HIGH" : "NORMAL",
            "ttl": "\(ttlSeconds)s",
        ]
        if let collapseKey = message.collapseKey { android["collapse_key"] = collapseKey }
        // Android replaces a shown notification with the same tag: the collapse key, else the
        // delivery's own id, so a resend replaces itself and nothing else.
        android["notification"] = ["tag": message.collapseKey ?? deliveryID]

        var apnsHeaders: [String: String] = [
            "apns-expiration": String(Int(message.expiresAt.timeIntervalSince1970.rounded(.down))),
            "apns-priority": message.priority == .high ? "10" : "5",
        ]
        if let collapseKey = message.collapseKey {
            // APNs limits apns-collapse-id to 64 bytes; longer keys become a stable 32-character digest.
            apnsHeaders["apns-collapse-id"] = collapseKey.utf8.count <= 64 ? collapseKey : WebPushTopic.make(from: collapseKey)
        } else {
            apnsHeaders["apns-collapse-id"] = deliveryID
        }
        var apns: [String: Any] = ["headers": apnsHeaders]
        var aps: [String: Any] = [:]
        if let badge = message.badge { aps["badge"] = badge }
        if let threadID = message.threadID { aps["thread-id"] = threadID }
        if !aps.isEmpty { apns["payload"] = ["aps": aps] }

        let body: [String: Any] = [
            "message": [
                "token": message.token,
                "notification": ["title": message.title, "body": message.body],
                "data": data,
                "android": android,
                "apns": apns,
            ] as [String: Any]
        ]
        return (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }
}
