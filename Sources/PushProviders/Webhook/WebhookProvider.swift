import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Delivers messages to an HTTP gateway of your own: one signed JSON `POST` per message.
///
/// Body: `{"id","token","title","body","data","collapse_key","priority","expires_at"}` (`collapse_key`
/// is `null` when unset, `expires_at` ISO 8601). Headers: `Content-Type: application/json`,
/// `Tidemark-Delivery: <id>` and `Tidemark-Signature` (see ``WebhookSignature``).
///
/// Outcomes: 2xx → `.accepted` (`providerID` from an `id` field in a JSON reply, if any);
/// 404/410 → `.invalidToken`; 401/403 → `.credentialsRejected`; 429/5xx → `.retry(after: Retry-After)`;
/// other statuses → `.failed`; expired messages → `.failed` without sending; timeouts and transport
/// errors → `.retry`.
public final class WebhookProvider: PushProvider {
    /// `webhook`.
    public let name = "webhook"

    private let configuration: WebhookConfiguration
    private let http: ProviderHTTPClient

    /// Creates a provider. When `httpClient` is `nil` the provider creates and owns one (closed by ``shutdown()``).
    public init(configuration: WebhookConfiguration, httpClient: HTTPClient? = nil) {
        self.configuration = configuration
        self.http = ProviderHTTPClient(given: httpClient, trustRoots: configuration.trustRoots)
    }

    /// Closes the HTTP client if the provider created it; a second call does nothing.
    public func shutdown() async throws {
        try await http.shutdown()
    }

    /// Posts one message to the gateway.
    public func send(_ message: PushMessage) async -> PushOutcome {
        let now = configuration.now()
        guard message.expiresAt > now else { return .failed(reason: "expired before sending") }
        let body = Self.body(for: message)
        let id = message.id.uuidString.lowercased()
        var request = HTTPClientRequest(url: configuration.url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Tidemark-Delivery", value: id)
        request.headers.add(name: WebhookSignature.headerName, value: WebhookSignature.sign(body: body, secret: configuration.secret, at: now))
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await http.client.execute(request, timeout: PushHTTPClientFactory.timeAmount(configuration.requestTimeout))
            let bytes = try await response.body.collect(upTo: 64 * 1024)
            return outcome(status: Int(response.status.code), headers: response.headers, body: Data(bytes.readableBytesView))
        } catch {
            return .retry(reason: PushHTTPClientFactory.describe(error), after: nil)
        }
    }

    private func outcome(status: Int, headers: HTTPHeaders, body: Data) -> PushOutcome {
        let text = String(decoding: body.prefix(300), as: UTF8.self)
        let reason = "webhook answered \(status)" + (text.isEmpty ? "" : ": \(text)")
        switch status {
        case 200...299:
            let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
            return .accepted(providerID: object?["id"] as? String)
        case 404, 410:
            return .invalidToken(reason: reason, since: nil)
        case 401, 403:
            return .credentialsRejected(reason: reason)
        case 429, 500...599:
            return .retry(reason: reason, after: HTTPRetryAfter.parse(headers.first(name: "Retry-After"), now: configuration.now()))
        default:
            return .failed(reason: reason)
        }
    }

    /// The JSON body posted for `message` (keys sorted, so the signature covers a stable text).
    static func body(for message: PushMessage) -> Data {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let object: [String: Any] = [
            "id": message.id.uuidString.lowercased(),
            "token": message.token,
            "title": message.title,
            "body": message.body,
            "data": message.data,
            "collapse_key": message.collapseKey.map { $0 as Any } ?? NSNull(),
            "priority": message.priority.rawValue,
            "expires_at": formatter.string(from: message.expiresAt),
        ]
        return (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }
}
