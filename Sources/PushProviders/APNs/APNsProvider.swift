import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOHTTP2
import NIOSSL

/// Delivers ``PushMessage``s through Apple Push Notification service over HTTP/2 with
/// token-based authentication.
///
/// One provider owns one `HTTPClient`, whose pool keeps a multiplexed HTTP/2 connection per
/// endpoint open and reuses it; the provider token is signed once and reused (see
/// ``APNsTokenFactory``). Call ``shutdown()`` before releasing it.
public final class APNsProvider: PushProvider {
    /// Always `apns`.
    public let name = "apns"
    /// The configuration the provider was created with.
    public let configuration: APNsConfiguration
    /// The provider-token issuer.
    public let tokens: APNsTokenFactory
    private let client: HTTPClient
    private let productionPrefix: String
    private let sandboxPrefix: String
    private let timeout: TimeAmount

    /// Creates a provider and its HTTP client.
    ///
    /// - Parameters:
    ///   - configuration: Credentials, endpoints and limits.
    ///   - eventLoopGroup: The event loops for the client's connections.
    /// - Throws: ``PushProviderError`` `invalid_trust_root` when a trust root is not a PEM certificate.
    public init(
        configuration: APNsConfiguration,
        eventLoopGroup: any EventLoopGroup = HTTPClient.defaultEventLoopGroup
    ) throws(PushProviderError) {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let roots = configuration.trustRootsPEM, !roots.isEmpty {
            do {
                let certificates = try roots.flatMap { try NIOSSLCertificate.fromPEMBytes(Array($0.utf8)) }
                tls.trustRoots = .certificates(certificates)
            } catch {
                throw PushProviderError(.invalidTrustRoot, "an APNs trust root is not a PEM certificate: \(error)")
            }
        }
        var clientConfiguration = HTTPClient.Configuration(
            tlsConfiguration: tls,
            redirectConfiguration: .disallow,
            timeout: .init(connect: TimeAmount(configuration.requestTimeout)),
            connectionPool: .init(idleTimeout: .minutes(10)),
            decompression: .disabled
        )
        clientConfiguration.httpVersion = .automatic
        clientConfiguration.maximumUsesPerConnection = nil
        self.configuration = configuration
        self.client = HTTPClient(eventLoopGroup: eventLoopGroup, configuration: clientConfiguration)
        self.tokens = APNsTokenFactory(
            keyID: configuration.keyID, teamID: configuration.teamID,
            privateKey: configuration.privateKey, now: configuration.now
        )
        self.productionPrefix = Self.trimmed(configuration.productionURL) + "/3/device/"
        self.sandboxPrefix = Self.trimmed(configuration.sandboxURL) + "/3/device/"
        self.timeout = TimeAmount(configuration.requestTimeout)
    }

    /// Shares the provider token with other instances through `store` (under the channel `apns`),
    /// so that a restarted or second instance reuses it rather than signing its own.
    public func useTokenStore(_ store: any ProviderTokenStore) {
        tokens.useStore(store, channel: name)
    }

    /// Closes the connections. Sends in flight fail with ``PushOutcome/retry(reason:after:)``.
    /// A second call does nothing.
    public func shutdown() async throws {
        try await ProviderHTTPClient.shutdown(client)
    }

    /// Sends one notification and maps APNs' reply (or the transport error) to an outcome.
    ///
    /// Refuses without sending a collapse id over 64 bytes, a payload over 4096 bytes, a device
    /// token that is not hexadecimal and a message that has already expired. After
    /// `ExpiredProviderToken` it re-signs the provider token and sends once more. A request APNs
    /// refused before processing it (its stream was above a GOAWAY's last stream id) goes out again
    /// at once, on a new connection, up to ``maximumRefusedResends`` times, without an outcome in
    /// between, so the dispatcher spends no attempt on it. After `TooManyProviderTokenUpdates` it
    /// signs no new token: it sends once more with the token another instance stored, if there is
    /// one, else it reports ``PushOutcome/throttled(reason:after:)`` until its own token may be replaced.
    public func send(_ message: PushMessage) async -> PushOutcome {
        if let collapseID = message.collapseKey, collapseID.utf8.count > 64 {
            return .failed(reason: "BadCollapseId: apns-collapse-id is \(collapseID.utf8.count) bytes, the limit is 64")
        }
        guard !message.token.isEmpty, message.token.utf8.allSatisfy(Self.isHexDigit) else {
            return .invalidToken(reason: "BadDeviceToken: the device token is not hexadecimal", since: nil)
        }
        let expiration = Int(message.expiresAt.timeIntervalSince1970.rounded(.down))
        guard message.expiresAt > configuration.now() else {
            return .failed(reason: "Expired: the message expired at \(expiration)")
        }
        let payload = APNsPayload.encode(message)
        let payloadSize = payload.utf8.count
        guard payloadSize <= APNsPayload.maximumSize else {
            return .failed(reason: "PayloadTooLarge: the payload is \(payloadSize) bytes, the limit is \(APNsPayload.maximumSize)")
        }
        let request = makeRequest(message, payload: payload, expiration: expiration)

        var token: String
        do {
            token = try await tokens.token()
        } catch {
            return .credentialsRejected(reason: "cannot sign the provider token: \(error)")
        }
        var resigned = false
        var triedAnotherToken = false
        var refusals = 0
        while true {
            switch await attempt(request, token: token, messageID: message.id) {
            case .outcome(let outcome):
                return outcome
            case .expiredProviderToken:
                guard !resigned else { return .retry(reason: APNsReason.expiredProviderToken.rawValue, after: nil) }
                resigned = true
                do {
                    token = try await tokens.refresh(replacing: token)
                } catch {
                    return .credentialsRejected(reason: "cannot sign the provider token: \(error)")
                }
            case .tooManyProviderTokenUpdates(let retryAfter):
                // Signing yet another token would only make it worse: use the token another
                // instance got accepted, if the store has one, else wait until ours may be replaced.
                switch await tokens.refusedAsTooSoon(token) {
                case .sendAgain(let other) where !triedAnotherToken:
                    triedAnotherToken = true
                    token = other
                case .sendAgain:
                    return .throttled(reason: APNsReason.tooManyProviderTokenUpdates.rawValue, after: retryAfter)
                case .wait(let wait):
                    return .throttled(reason: APNsReason.tooManyProviderTokenUpdates.rawValue, after: max(wait, retryAfter ?? .zero))
                }
            case .refusedUnprocessed(let detail):
                // The connection that refused it is going away; the client opens a new one.
                guard refusals < Self.maximumRefusedResends, !Task.isCancelled else {
                    return .retry(reason: "Refused: \(detail)", after: nil)
                }
                refusals += 1
            }
        }
    }

    /// How often one send goes out again at once after APNs refused it unprocessed.
    public static let maximumRefusedResends = 2

    /// The request without its `authorization` header.
    private func makeRequest(_ message: PushMessage, payload: String, expiration: Int) -> HTTPClientRequest {
        let prefix = message.environment == .production ? productionPrefix : sandboxPrefix
        var request = HTTPClientRequest(url: prefix + message.token)
        request.method = .POST
        request.headers.reserveCapacity(9)
        request.headers.add(name: "apns-topic", value: message.topic ?? configuration.defaultTopic)
        request.headers.add(name: "apns-push-type", value: configuration.pushType)
        request.headers.add(name: "apns-priority", value: message.priority == .high ? "10" : "5")
        request.headers.add(name: "apns-expiration", value: String(expiration))
        request.headers.add(name: "apns-id", value: message.id.uuidString.lowercased())
        // APNs merges only notifications with the same collapse id; without one, a resend after a
        // timeout would show twice. The delivery's id (36 bytes) makes the resend replace the first copy.
        request.headers.add(name: "apns-collapse-id", value: message.collapseKey ?? message.id.uuidString.lowercased())
        request.body = .bytes(ByteBuffer(string: payload))
        return request
    }

    /// One HTTP exchange with a given provider token.
    private func attempt(_ request: HTTPClientRequest, token: String, messageID: UUID) async -> APNsAttempt {
        var request = request
        request.headers.add(name: "authorization", value: "bearer " + token)
        do {
            let response = try await client.execute(request, deadline: .now() + timeout)
            let body = try await response.body.collect(upTo: 64 * 1024)
            if response.status.code == 200 {
                let providerID =
                    response.headers.first(name: "apns-unique-id")
                    ?? response.headers.first(name: "apns-id")
                    ?? messageID.uuidString.lowercased()
                return .outcome(.accepted(providerID: providerID))
            }
            let reply = APNsErrorBody(body)
            if response.status.code == 403, reply.reason == APNsReason.expiredProviderToken.rawValue {
                return .expiredProviderToken
            }
            let retryAfter = response.headers.first(name: "retry-after").flatMap(Int.init).map { Duration.seconds($0) }
            if response.status.code == 429, reply.reason == APNsReason.tooManyProviderTokenUpdates.rawValue {
                return .tooManyProviderTokenUpdates(retryAfter: retryAfter)
            }
            return .outcome(
                APNsReason.outcome(
                    status: Int(response.status.code), reason: reply.reason, timestamp: reply.timestamp, retryAfter: retryAfter
                ))
        } catch let error as NIOHTTP2Errors.StreamClosed where Self.isRefusedUnprocessed(error.errorCode) {
            return .refusedUnprocessed("stream \(Int(error.streamID)) closed with \(error.errorCode) before APNs processed it")
        } catch let error as HTTPClientError where error == .deadlineExceeded {
            return .outcome(.retry(reason: "Timeout: no reply within \(configuration.requestTimeout)", after: nil))
        } catch let error as HTTPClientError where error == .invalidURL {
            return .outcome(.failed(reason: "BadPath: the request URL is invalid"))
        } catch {
            return .outcome(.retry(reason: "Connection: \(error)", after: nil))
        }
    }

    /// Whether a stream the server closed with `code` was never processed, so sending its request
    /// again cannot deliver it twice. `REFUSED_STREAM` says so (RFC 9113 §8.7). So does a GOAWAY
    /// for every stream above its last stream id (§6.8), which swift-nio-http2 reports as a stream
    /// closed with `CANCEL` (its documentation says `REFUSED_STREAM`), the same as a `RST_STREAM`
    /// with `CANCEL`. Should a server reset a stream with `CANCEL` after processing it, the resend
    /// carries the same `apns-collapse-id` and replaces the first copy on the device.
    private static func isRefusedUnprocessed(_ code: HTTP2ErrorCode) -> Bool {
        code == .refusedStream || code == .cancel
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
    }

    private static func trimmed(_ url: String) -> String {
        url.hasSuffix("/") ? String(url.dropLast()) : url
    }
}
