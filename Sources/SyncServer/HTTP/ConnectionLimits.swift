/// Limits that keep slow or oversized request heads from tying up the server's connections.
///
/// ``ConnectionGuard`` enforces them on every HTTP/1.1 connection, before a request reaches the
/// router (and before a WebSocket upgrade).
public struct ConnectionLimits: Sendable, Equatable {
    /// The most bytes the request line and the header fields of one request may hold (names and
    /// values, not counting separators). A larger head is answered `431 headers_too_large` and the
    /// connection is closed.
    public var maxHeaderBytes: Int
    /// How long a request head may take to arrive, counted from its first bytes. A head still
    /// incomplete then is answered `408 request_timeout` and the connection is closed.
    public var headerTimeout: Duration
    /// How long a connection may stay open with no request on it: before the first request and
    /// between requests (keep-alive). Then it is closed without an answer.
    public var idleTimeout: Duration

    /// Creates limits.
    /// - Parameters:
    ///   - maxHeaderBytes: The most bytes of a request head (default 32 KiB).
    ///   - headerTimeout: How long a head may take once it started (default 10 s).
    ///   - idleTimeout: How long a connection may stay without a request (default 60 s).
    public init(maxHeaderBytes: Int = 32 * 1024, headerTimeout: Duration = .seconds(10), idleTimeout: Duration = .seconds(60)) {
        self.maxHeaderBytes = maxHeaderBytes
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
    }
}
