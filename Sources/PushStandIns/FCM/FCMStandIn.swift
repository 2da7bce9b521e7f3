import Foundation
import PushProviders
import Synchronization
import _CryptoExtras

/// A local stand-in for Google's OAuth2 token endpoint and the FCM HTTP v1 send API.
///
/// - `POST /token` takes `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<RS256 JWT>`,
///   verifies the assertion with the public key of an account made by ``makeServiceAccountJSON(projectID:)``
///   (`kid`, `iss`, `aud` = its token URI, `scope` with `firebase.messaging`, `iat`/`exp` by the injected
///   clock) and answers `{"access_token","expires_in","token_type":"Bearer"}`; refusals are
///   `400 {"error":"invalid_grant"}`.
/// - `POST /v1/projects/{project}/messages:send` requires a bearer token it issued that has not expired
///   by its clock (else 401 `UNAUTHENTICATED`), for the same project (else 403 `PERMISSION_DENIED`), and
///   a well-formed body (else 400 `INVALID_ARGUMENT`); then answers the next scripted reply for the
///   registration token (``script(_:for:)``) or `200 {"name":"projects/{project}/messages/{id}"}`.
/// - ``rejectsCredentials`` makes the token endpoint answer `invalid_grant` and every send 401.
public final class FCMStandIn: LoopbackStandIn {
    private struct Account: Sendable {
        var publicKey: _RSA.Signing.PublicKey
        var privateKeyID: String
        var projectID: String
    }

    private struct IssuedToken: Sendable {
        var expiresAt: Date
        var projectID: String
    }

    private struct State: Sendable {
        var accounts: [String: Account] = [:]
        var issued: [String: IssuedToken] = [:]
        var issuedCount = 0
        var tokenRequests = 0
        var sendRequests = 0
        var scripted: [String: [FCMStandInReply]] = [:]
        var messages: [FCMStandInMessage] = []
        var rejections: [String] = []
        var rejectsCredentials = false
        var tokenLifetime = 3600
    }

    /// The server it listens with.
    public let server = LoopbackHTTPServer()
    private let state = Mutex(State())
    private let now: @Sendable () -> Date

    /// Creates a stand-in that is not listening yet; `now` is the clock for assertion and token expiry.
    public init(now: @escaping @Sendable () -> Date = { Date() }) {
        self.now = now
    }

    /// Creates and starts a stand-in.
    public static func start(now: @escaping @Sendable () -> Date = { Date() }) async throws -> FCMStandIn {
        let standIn = FCMStandIn(now: now)
        try await standIn.start()
        return standIn
    }

    /// ``origin`` as a URL: pass it as ``FCMConfiguration/endpointBase``.
    public var baseURL: URL {
        URL(string: origin) ?? URL(fileURLWithPath: "/")
    }

    /// The token endpoint, `origin + "/token"`.
    public var tokenURI: String { origin + "/token" }

    /// Generates a throwaway service-account key file (RSA 2048, PKCS#8 PEM) for `projectID` whose
    /// `token_uri` points at this stand-in, registers its public key, and returns the JSON text.
    public func makeServiceAccountJSON(projectID: String = "tidemark-test") throws -> String {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let keyID = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let email = "push-\(keyID.prefix(8))@\(projectID).iam.gserviceaccount.com"
        state.withLock { $0.accounts[email] = Account(publicKey: key.publicKey, privateKeyID: keyID, projectID: projectID) }
        let object: [String: String] = [
            "type": "service_account",
            "project_id": projectID,
            "private_key_id": keyID,
            "private_key": key.pkcs8PEMRepresentation + "\n",
            "client_email": email,
            "client_id": "1000000000000000000",
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": tokenURI,
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// Queues replies for sends to `registrationToken`; each send takes the next one, then `200` again.
    public func script(_ replies: [FCMStandInReply], for registrationToken: String) {
        state.withLock { $0.scripted[registrationToken, default: []].append(contentsOf: replies) }
    }

    /// When `true`, the token endpoint refuses every assertion (`invalid_grant`) and every send gets 401.
    public var rejectsCredentials: Bool {
        get { state.withLock { $0.rejectsCredentials } }
        set { state.withLock { $0.rejectsCredentials = newValue } }
    }

    /// The `expires_in` of issued tokens, in seconds (default 3600).
    public var tokenLifetime: Int {
        get { state.withLock { $0.tokenLifetime } }
        set { state.withLock { $0.tokenLifetime = newValue } }
    }

    /// Revokes every issued access token, so the next send with one gets 401.
    public func revokeAllAccessTokens() {
        state.withLock { $0.issued.removeAll() }
    }

    /// How many access tokens were issued.
    public var issuedTokenCount: Int { state.withLock { $0.issuedCount } }
    /// How many token requests arrived (granted or not).
    public var tokenRequestCount: Int { state.withLock { $0.tokenRequests } }
    /// How many send requests arrived (accepted or not).
    public var sendRequestCount: Int { state.withLock { $0.sendRequests } }
    /// Every well-formed, authorised send, oldest first.
    public var messages: [FCMStandInMessage] { state.withLock { $0.messages } }
    /// What the device with `registrationToken` shows: the messages accepted for it (`200`), oldest
    /// first, where one with the same `android.notification.tag` as an earlier one replaced it, as
    /// Android does. Messages without a tag each show.
    public func shown(for registrationToken: String) -> [FCMStandInMessage] {
        var shown: [FCMStandInMessage] = []
        for message in messages where message.registrationToken == registrationToken && message.replyStatus == 200 {
            if let tag = message.tag {
                shown.removeAll { $0.tag == tag }
            }
            shown.append(message)
        }
        return shown
    }

    /// Why requests were refused, oldest first.
    public var rejections: [String] { state.withLock { $0.rejections } }

    private func note(_ reason: String) {
        state.withLock { $0.rejections.append(reason) }
    }

    /// Answers a token request (`POST /token`) or a send (`POST /v1/projects/{project}/messages:send`).
    public func respond(to request: LoopbackHTTPRequest) -> LoopbackHTTPResponse {
        guard request.method == "POST" else { return .text(status: 405, "method not allowed") }
        if request.path == "/token" {
            return handleToken(request)
        }
        if request.path.hasPrefix("/v1/projects/"), request.path.hasSuffix("/messages:send") {
            let project = String(request.path.dropFirst("/v1/projects/".count).dropLast("/messages:send".count))
            return handleSend(request, project: project)
        }
        return FCMStandInReply.status(404, "NOT_FOUND", "no such resource \(request.path)", errorCode: nil)
    }

    private func grantError(_ description: String) -> LoopbackHTTPResponse {
        note("token: \(description)")
        return .json(status: 400, ["error": "invalid_grant", "error_description": description])
    }

    private func handleToken(_ request: LoopbackHTTPRequest) -> LoopbackHTTPResponse {
        let rejectAll = state.withLock { state -> Bool in
            state.tokenRequests += 1
            return state.rejectsCredentials
        }
        let form = Self.parseForm(String(decoding: request.body, as: UTF8.self))
        guard form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer" else {
            note("token: unsupported grant_type")
            return .json(status: 400, ["error": "unsupported_grant_type", "error_description": "Invalid grant_type"])
        }
        if rejectAll { return grantError("Invalid JWT Signature.") }
        guard let assertion = form["assertion"], let jwt = CompactJWT.split(assertion) else { return grantError("assertion is not a JWT") }
        guard jwt.header["alg"] as? String == "RS256" else { return grantError("alg must be RS256") }
        guard let issuer = jwt.claims["iss"] as? String, let account = state.withLock({ $0.accounts[issuer] }) else {
            return grantError("Invalid issuer: unknown service account")
        }
        guard jwt.header["kid"] as? String == account.privateKeyID else { return grantError("kid does not match the account's key") }
        let signature = _RSA.Signing.RSASignature(rawRepresentation: jwt.signature)
        guard account.publicKey.isValidSignature(signature, for: jwt.signingInput, padding: .insecurePKCS1v1_5) else {
            return grantError("Invalid JWT Signature.")
        }
        guard jwt.claims["aud"] as? String == tokenURI else { return grantError("Invalid JWT audience") }
        let scopes = (jwt.claims["scope"] as? String)?.split(separator: " ").map(String.init) ?? []
        guard scopes.contains(FCMAccessTokenCache.scope) else { return grantError("scope lacks firebase.messaging") }
        guard let iat = (jwt.claims["iat"] as? NSNumber)?.doubleValue, let exp = (jwt.claims["exp"] as? NSNumber)?.doubleValue else {
            return grantError("iat and exp are required")
        }
        let current = now().timeIntervalSince1970
        guard exp > current, iat <= current + 60, exp - iat <= 3600 else {
            return grantError("Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.")
        }
        let token = "ya29.standin-" + UUID().uuidString.lowercased()
        let lifetime = state.withLock { state -> Int in
            state.issuedCount += 1
            state.issued[token] = IssuedToken(expiresAt: now().addingTimeInterval(TimeInterval(state.tokenLifetime)), projectID: account.projectID)
            return state.tokenLifetime
        }
        return .json(status: 200, ["access_token": token, "expires_in": lifetime, "token_type": "Bearer"])
    }

    private func handleSend(_ request: LoopbackHTTPRequest, project: String) -> LoopbackHTTPResponse {
        let (rejectAll, issued): (Bool, [String: IssuedToken]) = state.withLock { state in
            state.sendRequests += 1
            return (state.rejectsCredentials, state.issued)
        }
        let authorization = request.header("Authorization") ?? ""
        let accessToken = authorization.hasPrefix("Bearer ") ? String(authorization.dropFirst(7)) : ""
        guard !rejectAll, let grant = issued[accessToken], grant.expiresAt > now() else {
            note("send: access token missing, unknown or expired")
            return FCMStandInReply.unauthenticated.response
        }
        guard grant.projectID == project else {
            note("send: token for \(grant.projectID) used on \(project)")
            return FCMStandInReply.permissionDenied.response
        }
        guard let root = (try? JSONSerialization.jsonObject(with: request.body)) as? [String: Any],
            let message = root["message"] as? [String: Any]
        else { return invalid("Invalid JSON payload received.") }
        guard let registrationToken = message["token"] as? String, !registrationToken.isEmpty else {
            return invalid("Recipient of the message is not set.")
        }
        let notification = message["notification"] as? [String: Any] ?? [:]
        var data: [String: String] = [:]
        for (key, value) in message["data"] as? [String: Any] ?? [:] {
            guard let text = value as? String else { return invalid("Invalid value at 'message.data[\(key)].value' (TYPE_STRING)") }
            data[key] = text
        }
        let android = message["android"] as? [String: Any] ?? [:]
        let priority = android["priority"] as? String
        if let priority, priority != "HIGH", priority != "NORMAL" { return invalid("Invalid value at 'message.android.priority'") }
        let tag = (android["notification"] as? [String: Any])?["tag"] as? String
        let ttl = android["ttl"] as? String
        if let ttl, !Self.isDurationText(ttl) { return invalid("Invalid value at 'message.android.ttl' (type.googleapis.com/google.protobuf.Duration)") }
        var apnsHeaders: [String: String] = [:]
        for (key, value) in (message["apns"] as? [String: Any])?["headers"] as? [String: Any] ?? [:] {
            guard let text = value as? String else { return invalid("Invalid value at 'message.apns.headers[\(key)]'") }
            apnsHeaders[key] = text
        }
        let reply = state.withLock { state -> LoopbackHTTPResponse in
            let scripted = state.scripted[registrationToken]?.isEmpty == false ? state.scripted[registrationToken]?.removeFirst() : nil
            let reply = scripted?.response ?? .json(status: 200, ["name": "projects/\(project)/messages/\(UInt64.random(in: 1 ... UInt64.max))"])
            state.messages.append(
                FCMStandInMessage(
                    projectID: project, registrationToken: registrationToken, title: notification["title"] as? String,
                    body: notification["body"] as? String, data: data, androidPriority: priority, androidTTL: ttl,
                    collapseKey: android["collapse_key"] as? String, apnsHeaders: apnsHeaders, accessToken: accessToken,
                    rawBody: request.body, replyStatus: reply.status, tag: tag
                )
            )
            return reply
        }
        return reply
    }

    private func invalid(_ message: String) -> LoopbackHTTPResponse {
        note("send: \(message)")
        return FCMStandInReply.status(400, "INVALID_ARGUMENT", message, errorCode: "INVALID_ARGUMENT")
    }

    private static func isDurationText(_ text: String) -> Bool {
        guard text.hasSuffix("s") else { return false }
        let number = text.dropLast()
        let parts = number.split(separator: ".", omittingEmptySubsequences: false)
        guard !number.isEmpty, parts.count <= 2 else { return false }
        return parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
    }

    private static func parseForm(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (part: Substring) in part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(part) }
            result[decode(parts[0])] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return result
    }
}
