import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
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
    /// - Throws: ``APNsConfigurationError/invalidTrustRoot(_:)`` when a trust root is not a PEM certificate.
    public init(
        configuration: APNsConfiguration,
        eventLoopGroup: any EventLoopGroup = HTTPClient.defaultEventLoopGroup
    ) throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let roots = configuration.trustRootsPEM, !roots.isEmpty {
            do {
                let certificates = try roots.flatMap { try NIOSSLCertificate.fromPEMBytes(Array($0.utf8)) }
                tls.trustRoots = .certificates(certificates)
            } catch {
                throw APNsConfigurationError.invalidTrustRoot(String(describing: error))
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

    /// Closes the connections. Sends in flight fail with ``PushOutcome/retry(reason:after:)``.
    /// A second call does nothing.
    public func shutdown() async throws {
        try await ProviderHTTPClient.shutdown(client)
    }

    /// Sends one notification and maps APNs' reply (or the transport error) to an outcome.
    ///
    /// Refuses without sending a collapse id over 64 bytes, a payload over 4096 bytes, a device
    /// token that is not hexadecimal and a message that has already expired. After
    /// `ExpiredProviderToken` it re-signs the provider token and sends once more.
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

        let firstToken: String
        do {
            firstToken = try await tokens.token()
        } catch {
            return .credentialsRejected(reason: "cannot sign the provider token: \(error)")
        }
        let first = await attempt(request, token: firstToken, messageID: message.id)
        guard case .expiredProviderToken = first else { return first.outcome }

        let secondToken: String
        do {
            secondToken = try await tokens.refresh(replacing: firstToken)
        } catch {
            return .credentialsRejected(reason: "cannot sign the provider token: \(error)")
        }
        return await attempt(request, token: secondToken, messageID: message.id).outcome
    }

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
                let providerID = response.headers.first(name: "apns-unique-id")
                    ?? response.headers.first(name: "apns-id")
                    ?? messageID.uuidString.lowercased()
                return .outcome(.accepted(providerID: providerID))
            }
            let reply = APNsErrorBody(body)
            if response.status.code == 403, reply.reason == APNsReason.expiredProviderToken.rawValue {
                return .expiredProviderToken
            }
            let retryAfter = response.headers.first(name: "retry-after").flatMap(Int.init).map { Duration.seconds($0) }
            return .outcome(APNsReason.outcome(
                status: Int(response.status.code), reason: reply.reason, timestamp: reply.timestamp, retryAfter: retryAfter
            ))
        } catch let error as HTTPClientError where error == .deadlineExceeded {
            return .outcome(.retry(reason: "Timeout: no reply within \(configuration.requestTimeout)", after: nil))
        } catch let error as HTTPClientError where error == .invalidURL {
            return .outcome(.failed(reason: "BadPath: the request URL is invalid"))
        } catch {
            return .outcome(.retry(reason: "Connection: \(error)", after: nil))
        }
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
    }

    private static func trimmed(_ url: String) -> String {
        url.hasSuffix("/") ? String(url.dropLast()) : url
    }
}
