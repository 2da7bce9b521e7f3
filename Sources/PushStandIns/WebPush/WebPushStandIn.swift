import Basics
import Crypto
import Foundation
import PushProviders
import Synchronization

/// A local push service that speaks Web Push (RFC 8030) like a browser vendor's: it hands out
/// subscriptions whose endpoints point at itself, checks VAPID (RFC 8292) and the `TTL` header,
/// decrypts each message (RFC 8291) with the subscription's private key and records it.
///
/// Checks, in order: unknown subscription → 404; missing `Authorization` → 401; a VAPID token that
/// is malformed, wrongly signed, for another audience, expired or valid for more than 24 hours by the
/// injected clock, or whose key differs from the subscription's `applicationServerKey` → 403; missing
/// or bad `TTL`, `Urgency` or `Topic`, or a `Content-Encoding` other than `aes128gcm` → 400; body above
/// 4096 bytes → 413; undecryptable body → 400. Then the next scripted reply for the subscription
/// (see ``script(_:for:)``) or `201 Created` with a `Location`.
public final class WebPushStandIn: LoopbackStandIn {
    private struct Subscriber: Sendable {
        var privateKey: P256.KeyAgreement.PrivateKey
        var auth: Data
        var applicationServerKey: String?
        var replies: [LoopbackHTTPResponse] = []
    }

    private struct State: Sendable {
        var subscribers: [String: Subscriber] = [:]
        var deliveries: [WebPushStandInDelivery] = []
        var rejections: [String] = []
        var requestCount = 0
    }

    /// The server it listens with.
    public let server = LoopbackHTTPServer()
    private let state = Mutex(State())
    private let now: @Sendable () -> Date

    /// Creates a stand-in that is not listening yet; `now` is the clock VAPID expiry is checked against.
    public init(now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
    }

    /// Creates and starts a stand-in.
    public static func start(now: @escaping @Sendable () -> Date = { Date() }) async throws -> WebPushStandIn {
        let standIn = WebPushStandIn(now: now)
        try await standIn.start()
        return standIn
    }

    /// Creates a subscription: a fresh P-256 key pair and 16-byte auth secret, and an endpoint
    /// `http://127.0.0.1:<port>/push/<id>`. Returns the subscription JSON (the device token).
    /// - Parameter applicationServerKey: when given (base64url public key), only VAPID tokens signed
    ///   with that key are accepted, like a subscription made with `applicationServerKey`.
    public func makeSubscription(applicationServerKey: String? = nil) -> String {
        let id = UUID().uuidString.lowercased()
        let privateKey = P256.KeyAgreement.PrivateKey()
        var generator = SystemRandomNumberGenerator()
        let auth = Data((0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        state.withLock { $0.subscribers[id] = Subscriber(privateKey: privateKey, auth: auth, applicationServerKey: applicationServerKey) }
        let object: [String: Any] = [
            "endpoint": "\(origin)/push/\(id)",
            "keys": ["p256dh": Base64URL.encode(privateKey.publicKey.x963Representation), "auth": Base64URL.encode(auth)],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// The id of a subscription JSON made by ``makeSubscription(applicationServerKey:)`` (last endpoint path segment).
    public func subscriptionID(of subscriptionJSON: String) -> String? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(subscriptionJSON.utf8))) as? [String: Any],
            let endpoint = object["endpoint"] as? String, let url = URL(string: endpoint)
        else { return nil }
        return url.lastPathComponent
    }

    /// Queues replies for the subscription: each accepted-for-decryption request takes the next one
    /// (e.g. `LoopbackHTTPResponse(status: 429, headers: ["Retry-After": "30"])`); afterwards `201` again.
    public func script(_ replies: [LoopbackHTTPResponse], for subscriptionJSON: String) {
        guard let id = subscriptionID(of: subscriptionJSON) else { return }
        state.withLock { $0.subscribers[id]?.replies.append(contentsOf: replies) }
    }

    /// Forgets a subscription, so later pushes to it get `404`.
    public func removeSubscription(_ subscriptionJSON: String) {
        guard let id = subscriptionID(of: subscriptionJSON) else { return }
        _ = state.withLock { $0.subscribers.removeValue(forKey: id) }
    }

    /// Every message decrypted so far, oldest first.
    public var deliveries: [WebPushStandInDelivery] { state.withLock { $0.deliveries } }

    /// Why requests were refused, oldest first (e.g. `403 VAPID aud …`).
    public var rejections: [String] { state.withLock { $0.rejections } }

    /// How many requests arrived in total.
    public var requestCount: Int { state.withLock { $0.requestCount } }

    private func reject(_ status: Int, _ reason: String) -> LoopbackHTTPResponse {
        state.withLock { $0.rejections.append("\(status) \(reason)") }
        return .text(status: status, reason)
    }

    /// Answers a push (`POST /push/<subscription id>`), with the checks listed on the type.
    public func respond(to request: LoopbackHTTPRequest) -> LoopbackHTTPResponse {
        state.withLock { $0.requestCount += 1 }
        let segments = request.path.split(separator: "/")
        guard segments.count == 2, segments[0] == "push" else { return reject(404, "no such resource \(request.path)") }
        guard request.method == "POST" else { return reject(405, "method \(request.method) not allowed") }
        let id = String(segments[1])
        guard let subscriber = state.withLock({ $0.subscribers[id] }) else { return reject(404, "no such subscription \(id)") }

        guard let authorization = request.header("Authorization") else { return reject(401, "missing VAPID Authorization") }
        let vapid: (subject: String, expiry: Date, key: String)
        switch verifyVAPID(authorization, subscriber: subscriber) {
        case .valid(let subject, let expiry, let key): vapid = (subject, expiry, key)
        case .refused(let reason): return reject(403, reason)
        }

        guard let ttlText = request.header("TTL"), let ttl = Int(ttlText.trimmingCharacters(in: .whitespaces)), ttl >= 0 else {
            return reject(400, "missing or bad TTL header")
        }
        let urgency = request.header("Urgency")
        if let urgency, !["very-low", "low", "normal", "high"].contains(urgency) { return reject(400, "bad Urgency \(urgency)") }
        let topic = request.header("Topic")
        if let topic, topic.isEmpty || topic.utf8.count > 32 || !topic.utf8.allSatisfy(Base64URL.isAlphabetByte) {
            return reject(400, "bad Topic \(topic)")
        }
        guard request.header("Content-Encoding")?.lowercased() == "aes128gcm" else { return reject(400, "Content-Encoding must be aes128gcm") }
        guard request.body.count <= 4096 else { return reject(413, "body of \(request.body.count) bytes exceeds 4096") }
        let plaintext: Data
        do throws(PushProviderError) {
            plaintext = try WebPushDecryption.decrypt(request.body, userAgentPrivateKey: subscriber.privateKey, authSecret: subscriber.auth)
        } catch {
            return reject(400, "cannot decrypt: \(error.message)")
        }

        let reply = state.withLock { state -> LoopbackHTTPResponse in
            let scripted = state.subscribers[id]?.replies.isEmpty == false ? state.subscribers[id]?.replies.removeFirst() : nil
            let reply = scripted ?? LoopbackHTTPResponse(status: 201, headers: ["Location": "\(origin)/message/\(UUID().uuidString.lowercased())"])
            state.deliveries.append(
                WebPushStandInDelivery(
                    subscriptionID: id, plaintext: plaintext, headers: request.headerDictionary, ttl: ttl, urgency: urgency, topic: topic,
                    vapidSubject: vapid.subject, vapidExpiry: vapid.expiry, vapidPublicKey: vapid.key, authorization: authorization,
                    replyStatus: reply.status
                )
            )
            return reply
        }
        return reply
    }

    /// What the VAPID check of one request found.
    private enum VAPIDCheck {
        /// The token verified: its `sub`, its `exp` and the key `k`.
        case valid(subject: String, expiry: Date, key: String)
        /// The token is refused, for this reason.
        case refused(String)
    }

    private func verifyVAPID(_ authorization: String, subscriber: Subscriber) -> VAPIDCheck {
        guard let parts = VAPID.parseAuthorization(authorization) else { return .refused("Authorization is not vapid t=…, k=…") }
        if let restricted = subscriber.applicationServerKey, restricted != parts.publicKey {
            return .refused("VAPID key differs from the subscription's applicationServerKey")
        }
        guard let keyBytes = Base64URL.decode(parts.publicKey), let key = try? P256.Signing.PublicKey(x963Representation: keyBytes) else {
            return .refused("VAPID k is not an uncompressed P-256 key")
        }
        guard let jwt = CompactJWT.split(parts.token) else { return .refused("VAPID t is not a JWT") }
        guard jwt.header["alg"] as? String == "ES256" else { return .refused("VAPID alg must be ES256") }
        guard let signature = try? P256.Signing.ECDSASignature(rawRepresentation: jwt.signature),
            key.isValidSignature(signature, for: jwt.signingInput)
        else { return .refused("VAPID signature invalid") }
        let audience = jwt.claims["aud"] as? String
        guard audience == origin else { return .refused("VAPID aud \(audience ?? "nil") is not \(origin)") }
        guard let exp = (jwt.claims["exp"] as? NSNumber)?.doubleValue else { return .refused("VAPID exp missing") }
        let current = now().timeIntervalSince1970
        guard exp > current else { return .refused("VAPID token expired") }
        guard exp <= current + VAPID.maximumLifetime + 60 else { return .refused("VAPID exp more than 24 h ahead") }
        guard let subject = jwt.claims["sub"] as? String, subject.hasPrefix("mailto:") || subject.hasPrefix("https:") else {
            return .refused("VAPID sub must be mailto: or https:")
        }
        return .valid(subject: subject, expiry: Date(timeIntervalSince1970: exp), key: parts.publicKey)
    }
}
