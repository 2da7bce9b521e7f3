/// What a load-test figure counts: a kind of HTTP request of the simulated devices, or (`live`)
/// a poke's latency sample.
enum LoadRequestKind: String, CaseIterable, Sendable, Codable, Comparable {
    /// `POST /v1/auth/login` (once per device, during the ramp-up).
    case login
    /// `POST /v1/auth/refresh` (when an access token nears its expiry).
    case refresh
    /// A WebSocket upgrade on `/v1/sync/live`, counted when the server's hello arrives; a socket
    /// that fails or drops without being asked to is an error.
    case connect
    /// `GET /v1/sync/pull` (one page).
    case pull
    /// `POST /v1/sync/push`.
    case push
    /// A live sample: from a push's answer to the poke on the user's other device; a poke that never
    /// came while that socket stayed connected is an error.
    case live

    static func < (lhs: Self, rhs: Self) -> Bool {
        (allCases.firstIndex(of: lhs) ?? 0) < (allCases.firstIndex(of: rhs) ?? 0)
    }
}
