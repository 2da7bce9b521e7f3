import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import _CryptoExtras

/// Obtains OAuth2 access tokens for FCM with the service account's key (RFC 7523 JWT bearer grant)
/// and keeps the current one until shortly before it expires, by the injected clock.
///
/// Concurrent callers share one in-flight fetch. ``invalidate(_:)`` drops a token the API refused.
public actor FCMAccessTokenCache {
    /// The OAuth2 scope FCM HTTP v1 requires.
    public static let scope = "https://www.googleapis.com/auth/firebase.messaging"

    private struct Token: Sendable {
        var value: String
        var refreshAt: Date
    }

    private let account: FCMServiceAccount
    private let httpClient: HTTPClient
    private let requestTimeout: Duration
    private let now: @Sendable () -> Date
    private var current: Token?
    private var inFlight: Task<Token, any Error>?
    private var fetches = 0

    /// Creates a cache that fetches with `httpClient` (not owned: the caller shuts it down).
    public init(account: FCMServiceAccount, httpClient: HTTPClient, requestTimeout: Duration = .seconds(10), now: @escaping @Sendable () -> Date = { Date() }) {
        self.account = account
        self.httpClient = httpClient
        self.requestTimeout = requestTimeout
        self.now = now
    }

    /// How many tokens were fetched from the token endpoint so far.
    public var fetchCount: Int { fetches }

    /// A valid access token: the cached one, the one being fetched, or a fresh one.
    ///
    /// - Throws: ``PushProviderError`` `token_rejected` when the token endpoint refused the
    ///   service account, `token_unavailable` when it could not be reached or answered 429/5xx
    ///   (with its `Retry-After`), `signing_failed` when the assertion could not be signed.
    public func token() async throws(PushProviderError) -> String {
        if let current, now() < current.refreshAt {
            return current.value
        }
        let task: Task<Token, any Error>
        if let inFlight {
            task = inFlight
        } else {
            fetches += 1
            let account = account, client = httpClient, timeout = requestTimeout, clock = now
            task = Task { try await Self.fetch(account: account, httpClient: client, requestTimeout: timeout, now: clock) }
            inFlight = task
        }
        do {
            let token = try await task.value
            if inFlight == task {
                inFlight = nil
                current = token
            }
            return token.value
        } catch {
            if inFlight == task { inFlight = nil }
            if let tokenError = error as? PushProviderError { throw tokenError }
            throw Self.unavailable("\(error)")
        }
    }

    /// Forgets `token` if it is the cached one, so the next ``token()`` fetches a new one.
    public func invalidate(_ token: String) {
        if current?.value == token {
            current = nil
        }
    }

    private static func fetch(account: FCMServiceAccount, httpClient: HTTPClient, requestTimeout: Duration, now: @Sendable () -> Date)
        async throws(PushProviderError) -> Token
    {
        let issuedAt = now()
        let iat = Int(issuedAt.timeIntervalSince1970.rounded(.down))
        let assertion: String
        do {
            let key = account.privateKey
            assertion = try CompactJWT.make(
                header: ["alg": "RS256", "typ": "JWT", "kid": account.privateKeyID],
                claims: [
                    "iss": account.clientEmail, "scope": scope, "aud": account.tokenURI.absoluteString,
                    "iat": iat, "exp": iat + 3600,
                ]
            ) { input in
                try key.signature(for: input, padding: .insecurePKCS1v1_5).rawRepresentation
            }
        } catch {
            throw PushProviderError(.signingFailed, "cannot sign the OAuth assertion: \(error)")
        }
        let form = "grant_type=" + formEncode("urn:ietf:params:oauth:grant-type:jwt-bearer") + "&assertion=" + formEncode(assertion)
        var request = HTTPClientRequest(url: account.tokenURI.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(ByteBuffer(string: form))

        let status: Int
        let body: ByteBuffer
        let retryAfter: String?
        do {
            let response = try await httpClient.execute(request, timeout: PushHTTPClientFactory.timeAmount(requestTimeout))
            status = Int(response.status.code)
            retryAfter = response.headers.first(name: "Retry-After")
            body = try await response.body.collect(upTo: 64 * 1024)
        } catch {
            throw unavailable(PushHTTPClientFactory.describe(error))
        }
        let text = String(buffer: body)
        guard status == 200 else {
            if status == 429 || status >= 500 {
                throw unavailable("token endpoint answered \(status)", retryAfter: HTTPRetryAfter.parse(retryAfter, now: now()))
            }
            throw PushProviderError(.tokenRejected, "OAuth token endpoint refused the service account (\(status)): \(text.prefix(300))")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any],
            let accessToken = object["access_token"] as? String, !accessToken.isEmpty
        else { throw unavailable("token endpoint reply lacks access_token") }
        let lifetime = (object["expires_in"] as? NSNumber)?.doubleValue ?? Double(object["expires_in"] as? String ?? "") ?? 3600
        let margin = min(300, lifetime / 2)
        return Token(value: accessToken, refreshAt: issuedAt.addingTimeInterval(max(0, lifetime - margin)))
    }

    /// A `token_unavailable` error: the token endpoint could not be reached or asked us to wait.
    private static func unavailable(_ detail: String, retryAfter: Duration? = nil) -> PushProviderError {
        PushProviderError(.tokenUnavailable, "OAuth token endpoint unavailable: \(detail)", retryAfter: retryAfter)
    }

    private static func formEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
