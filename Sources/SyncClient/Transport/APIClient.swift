import Foundation
import SyncProtocol

/// The typed endpoints of the sync protocol over a ``SyncTransport``: builds each request (the
/// `Tidemark-Protocol` header, the bearer token, the JSON body), decodes the answer, and turns
/// `application/problem+json` answers into ``SyncClientError``s with the server's code.
struct APIClient: Sendable {
    /// The transport.
    let transport: any SyncTransport
    /// The server's base URL without a trailing slash, for example `http://127.0.0.1:8080`.
    let baseURL: String
    /// The deadline of each request.
    let timeout: Duration

    /// `POST /v1/auth/register` → 201.
    func register(_ body: RegisterRequest) async throws -> Registration {
        try await exchange(.post, "/v1/auth/register", body: body)
    }

    /// `POST /v1/auth/login` → 200.
    func login(_ body: LoginRequest) async throws -> TokenResponse {
        try await exchange(.post, "/v1/auth/login", body: body)
    }

    /// `POST /v1/auth/refresh` → 200 with a new refresh token.
    func refresh(_ body: RefreshRequest) async throws -> TokenResponse {
        try await exchange(.post, "/v1/auth/refresh", body: body)
    }

    /// `POST /v1/auth/logout` → 204.
    func logout(token: String, refreshToken: String) async throws {
        _ = try await send(.post, "/v1/auth/logout", body: RefreshRequest(refreshToken: refreshToken), token: token)
    }

    /// `POST /v1/sync/push` → 200.
    func push(_ body: SyncPushRequest, token: String) async throws -> SyncPushResponse {
        try await exchange(.post, "/v1/sync/push", body: body, token: token)
    }

    /// `GET /v1/sync/pull?cursor=…&limit=…` → 200, with where the time went (``PullTimings``
    /// without `write`).
    func pull(cursor: String?, limit: Int, token: String) async throws -> PulledPage {
        var query = [("limit", String(limit))]
        if let cursor { query.insert(("cursor", cursor), at: 0) }
        let clock = ContinuousClock()
        let start = clock.now
        let response = try await send(.get, "/v1/sync/pull", query: query, body: Optional<SyncPushRequest>.none, token: token)
        let received = clock.now
        let page: PullResponse
        do {
            // Pages carry thousands of rows: the fast reader instead of Codable's type probing.
            page = try PullResponse(json: Array(response.body))
        } catch {
            throw SyncClientError(
                .badResponse, "GET /v1/sync/pull answered \(response.status) with a body that does not decode",
                status: response.status, underlying: error)
        }
        let server = response.headers[SyncHeaders.serverTiming.lowercased()].flatMap(PullServerTiming.init(headerValue:))
        let roundTrip = received - start
        let serverTime = (server?.query ?? .zero) + (server?.encode ?? .zero)
        let timings = PullTimings(
            serverQuery: server?.query ?? .zero, serverEncode: server?.encode ?? .zero,
            transfer: max(.zero, roundTrip - serverTime), decode: clock.now - received)
        return PulledPage(page: page, timings: timings)
    }

    /// The `ws(s)://…/v1/sync/live` URL.
    var liveURL: String {
        if baseURL.hasPrefix("https://") { return "wss://" + baseURL.dropFirst("https://".count) + "/v1/sync/live" }
        if baseURL.hasPrefix("http://") { return "ws://" + baseURL.dropFirst("http://".count) + "/v1/sync/live" }
        return baseURL + "/v1/sync/live"
    }

    /// The headers every request carries.
    func headers(token: String?) -> [String: String] {
        var headers = [SyncHeaders.protocolVersion: ProtocolVersion.current.description, "Accept": "application/json"]
        if let token { headers["Authorization"] = "Bearer \(token)" }
        return headers
    }

    /// Sends a request and decodes a 2xx answer.
    private func exchange<Body: Encodable, Answer: Decodable>(
        _ method: TransportRequest.Method, _ path: String, query: [(String, String)] = [], body: Body?, token: String? = nil
    ) async throws -> Answer {
        let response = try await send(method, path, query: query, body: body, token: token)
        do {
            return try JSONDecoder().decode(Answer.self, from: response.body)
        } catch {
            throw SyncClientError(
                .badResponse, "\(method.rawValue) \(path) answered \(response.status) with a body that does not decode",
                status: response.status, underlying: error)
        }
    }

    /// Sends a request; a non-2xx answer throws.
    private func send<Body: Encodable>(
        _ method: TransportRequest.Method, _ path: String, query: [(String, String)] = [], body: Body?, token: String?
    ) async throws -> TransportResponse {
        var url = baseURL + path
        if !query.isEmpty {
            url += "?" + query.map { "\($0)=\(Self.percentEncoded($1))" }.joined(separator: "&")
        }
        var headers = headers(token: token)
        var data: Data?
        if let body {
            headers["Content-Type"] = "application/json"
            do { data = try JSONEncoder().encode(body) } catch {
                throw SyncClientError(.invalidMutation, "the request body could not be encoded", underlying: error)
            }
        }
        let response = try await transport.send(
            TransportRequest(method: method, url: url, headers: headers, body: data, timeout: timeout))
        guard (200..<300).contains(response.status) else { throw Self.problem(response, method: method, path: path) }
        return response
    }

    /// The error of a non-2xx answer: its problem code when the body is `application/problem+json`,
    /// else a code chosen from the status.
    static func problem(_ response: TransportResponse, method: TransportRequest.Method, path: String) -> SyncClientError {
        let retryAfter = response.headers["retry-after"].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            .map { Duration.seconds(min(max($0, 0), maxRetryAfterSeconds)) }
        if let problem = try? JSONDecoder().decode(ProblemDetails.self, from: response.body) {
            return SyncClientError(
                .server(problem.code), problem.detail, status: response.status, retryAfter: retryAfter)
        }
        let code: SyncClientError.Code =
            switch response.status {
            case 401: .unauthorized
            case 410: .resyncRequired
            case 426: .upgradeRequired
            case 429: .rateLimited
            case 500...: .serverError
            default: .httpStatus(response.status)
            }
        return SyncClientError(
            code, "\(method.rawValue) \(path) answered HTTP \(response.status)", status: response.status, retryAfter: retryAfter)
    }

    /// The longest `Retry-After` the client honours, in seconds. A server's value is clamped to
    /// `0...3600`: a larger one (up to `Int.max`) would make `Task.sleep` trap, and no answer of a
    /// healthy server asks for more than an hour.
    static let maxRetryAfterSeconds = 3600

    /// The unreserved characters of RFC 3986 (ASCII only).
    static let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// Percent-encodes a query value (everything but unreserved characters, so `+` and `=` survive).
    static func percentEncoded(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: unreserved) ?? value
    }
}
