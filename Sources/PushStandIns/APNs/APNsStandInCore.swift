import Crypto
import Foundation
import NIOCore
import NIOHTTP1
import PushProviders
import Synchronization

/// The request checks of ``APNsStandIn``: Apple's rules, in roughly the order APNs applies them.
final class APNsStandInCore: Sendable {
    let teamID: String
    let keyID: String
    let publicKey: P256.Signing.PublicKey
    let topics: Set<String>
    let issuesUniqueIDs: Bool
    let now: @Sendable () -> Date
    let state = Mutex(APNsStandInState())

    static let pathPrefix = "/3/device/"
    static let pushTypes: Set<String> = [
        "alert", "background", "location", "voip", "complication", "fileprovider", "mdm",
        "liveactivity", "pushtotalk", "widgets", "controls",
    ]
    static let uniqueHeaders = [
        "authorization", "apns-topic", "apns-push-type", "apns-priority", "apns-expiration",
        "apns-collapse-id", "apns-id",
    ]

    init(
        teamID: String, keyID: String, publicKey: P256.Signing.PublicKey, topics: Set<String>,
        issuesUniqueIDs: Bool, now: @escaping @Sendable () -> Date
    ) {
        self.teamID = teamID
        self.keyID = keyID
        self.publicKey = publicKey
        self.topics = topics
        self.issuesUniqueIDs = issuesUniqueIDs
        self.now = now
    }

    /// Decides the answer to `request`; `consultScript` is false when a scripted delay already ran.
    func handle(_ request: APNsStandInRequest, consultScript: Bool) -> APNsStandInAction {
        let headers = request.headers
        let apnsID = headers.first(name: "apns-id")
        if consultScript {
            state.withLock { $0.requestCount += 1 }
        }
        guard request.method == .POST else { return reject(.methodNotAllowed, apnsID: apnsID) }
        let path = request.path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? request.path
        guard path.hasPrefix(Self.pathPrefix) else { return reject(.badPath, apnsID: apnsID) }
        let token = String(path.dropFirst(Self.pathPrefix.count))
        guard !token.isEmpty else { return reject(.missingDeviceToken, apnsID: apnsID) }
        guard !token.contains("/") else { return reject(.badPath, apnsID: apnsID) }

        var goesAwayAfterProcessing = false
        if consultScript, let reply = state.withLock({ $0.nextScriptedReply(for: token) }) {
            switch reply {
            case .reject(let reason, let retryAfter, let timestamp):
                if reason == .expiredProviderToken {
                    state.withLock { $0.tokenUpdateAllowed = true }
                }
                return reject(reason, apnsID: apnsID, retryAfter: retryAfter, timestamp: timestamp)
            case .delay(let duration):
                return .delay(TimeAmount(duration))
            case .goAway:
                return .goAway(processed: false)
            case .goAwayAfterProcessing:
                goesAwayAfterProcessing = true
            }
        }

        for name in Self.uniqueHeaders where headers[name].count > 1 {
            return reject(.duplicateHeaders, apnsID: apnsID)
        }
        let issuedAt: Int
        switch authorize(headers.first(name: "authorization")) {
        case .accepted(let iat): issuedAt = iat
        case .refused(let reason): return reject(reason, apnsID: apnsID)
        }
        if let rejection = state.withLock({ $0.credentialRejection }) {
            return reject(rejection, apnsID: apnsID)
        }
        guard let topic = headers.first(name: "apns-topic") else { return reject(.missingTopic, apnsID: apnsID) }
        guard !topic.isEmpty, topic.utf8.allSatisfy(Self.isTopicByte) else { return reject(.badTopic, apnsID: apnsID) }
        guard topics.contains(topic) else { return reject(.topicDisallowed, apnsID: apnsID) }
        guard token.utf8.count >= 64, token.utf8.count % 2 == 0, token.utf8.allSatisfy(Self.isHexDigit) else {
            return reject(.badDeviceToken, apnsID: apnsID)
        }
        if let pushType = headers.first(name: "apns-push-type"), !Self.pushTypes.contains(pushType) {
            return reject(.invalidPushType, apnsID: apnsID)
        }
        if let priority = headers.first(name: "apns-priority"), !["10", "5", "1"].contains(priority) {
            return reject(.badPriority, apnsID: apnsID)
        }
        if let expiration = headers.first(name: "apns-expiration"), Int(expiration) == nil {
            return reject(.badExpirationDate, apnsID: apnsID)
        }
        if let collapseID = headers.first(name: "apns-collapse-id"), collapseID.utf8.count > 64 {
            return reject(.badCollapseId, apnsID: apnsID)
        }
        if let apnsID, UUID(uuidString: apnsID) == nil {
            return reject(.badMessageId, apnsID: nil)
        }
        guard request.body.readableBytes > 0 else { return reject(.payloadEmpty, apnsID: apnsID) }
        guard request.body.readableBytes <= APNsPayload.maximumSize else { return reject(.payloadTooLarge, apnsID: apnsID) }

        let answeredID = apnsID ?? UUID().uuidString.lowercased()
        var recorded: [String: String] = [:]
        for (name, value) in headers {
            recorded[name.lowercased()] = value
        }
        let delivery = APNsStandIn.Delivery(
            token: token, apnsID: answeredID, headers: recorded,
            payload: Data(request.body.readableBytesView), providerTokenIssuedAt: issuedAt
        )
        state.withLock { state in
            state.deliveries.append(delivery)
            state.deliveriesByToken[token, default: 0] += 1
            state.show(delivery)
        }
        if goesAwayAfterProcessing {
            return .goAway(processed: true)
        }
        var replyHeaders = HTTPHeaders()
        replyHeaders.add(name: "apns-id", value: answeredID)
        if issuesUniqueIDs {
            replyHeaders.add(name: "apns-unique-id", value: UUID().uuidString.lowercased())
        }
        return .respond(status: 200, headers: replyHeaders, body: "")
    }

    /// An error answer as APNs words it.
    func reject(_ reason: APNsReason, apnsID: String?, retryAfter: Int? = nil, timestamp: Date? = nil) -> APNsStandInAction {
        var headers = HTTPHeaders()
        headers.add(name: "apns-id", value: apnsID ?? UUID().uuidString.lowercased())
        headers.add(name: "content-type", value: "application/json; charset=utf-8")
        if let retryAfter {
            headers.add(name: "retry-after", value: String(retryAfter))
        }
        var body = #"{"reason":""# + reason.rawValue + "\""
        if let timestamp {
            body += #","timestamp":"# + String(Int64((timestamp.timeIntervalSince1970 * 1000).rounded()))
        }
        body += "}"
        return .respond(status: reason.status, headers: headers, body: body)
    }

    /// What the check of a request's provider token found.
    enum Authorization {
        /// The token is accepted; it was issued at this `iat`.
        case accepted(issuedAt: Int)
        /// The token is refused with this reason.
        case refused(APNsReason)
    }

    /// Checks the `authorization` header and the age and update rules of its token.
    func authorize(_ header: String?) -> Authorization {
        guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer " else {
            return .refused(.missingProviderToken)
        }
        let jwt = String(header.dropFirst(7))
        let cached = state.withLock { $0.verifiedProviderTokens[jwt] }
        let issuedAt: Int
        if let cached {
            issuedAt = cached
        } else {
            guard let verified = verify(jwt) else { return .refused(.invalidProviderToken) }
            issuedAt = verified
        }
        let nowSeconds = Int(now().timeIntervalSince1970)
        return state.withLock { state in
            if cached == nil {
                if state.verifiedProviderTokens.count >= 64 { state.verifiedProviderTokens.removeAll() }
                state.verifiedProviderTokens[jwt] = issuedAt
            }
            if nowSeconds - issuedAt > 3600 {
                state.tokenUpdateAllowed = true
                return .refused(.expiredProviderToken)
            }
            if let latest = state.latestIssuedAt {
                guard issuedAt > latest else { return .accepted(issuedAt: issuedAt) }
                if issuedAt - latest < 20 * 60, !state.tokenUpdateAllowed {
                    return .refused(.tooManyProviderTokenUpdates)
                }
            }
            state.latestIssuedAt = issuedAt
            state.tokenUpdateAllowed = false
            state.issuedAtsSeen.append(issuedAt)
            return .accepted(issuedAt: issuedAt)
        }
    }

    /// Verifies the ES256 signature, `alg`, `kid` and `iss`; the `iat` when all hold.
    func verify(_ jwt: String) -> Int? {
        guard let parts = CompactJWT.split(jwt),
            parts.header["alg"] as? String == "ES256",
            parts.header["kid"] as? String == keyID,
            parts.claims["iss"] as? String == teamID,
            let iat = (parts.claims["iat"] as? NSNumber)?.intValue,
            let signature = try? P256.Signing.ECDSASignature(rawRepresentation: parts.signature),
            publicKey.isValidSignature(signature, for: parts.signingInput)
        else { return nil }
        return iat
    }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
    }

    static func isTopicByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == 0x2E || byte == 0x2D || byte == 0x5F
    }
}

extension APNsStandInCore {
    /// Tracks an accepted connection until it closes, so that ``APNsStandIn/stop()`` can close it.
    func connectionOpened(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        state.withLock { state in
            state.connections[id] = channel
            state.connectionCount += 1
        }
        channel.closeFuture.whenComplete { [weak self] _ in
            self?.state.withLock { _ = $0.connections.removeValue(forKey: id) }
        }
    }
}
