import CoreMetrics

/// Sign-in and limit metrics, made from an explicit factory (no global bootstrap):
/// `tidemark_auth_password_checks_total{outcome}` (bcrypt verifications, `match`/`mismatch`) and
/// `tidemark_rate_limited_total{limit}` (requests refused `429` by each limit).
public struct AuthMetrics: Sendable {
    private let factory: any MetricsFactory

    /// Creates metrics recorded through `factory` (by default, nowhere).
    public init(factory: any MetricsFactory = NOOPMetricsHandler.instance) {
        self.factory = factory
    }

    /// Counts one bcrypt verification of a password.
    func passwordChecked(matched: Bool) {
        Counter(label: "tidemark_auth_password_checks_total", dimensions: [("outcome", matched ? "match" : "mismatch")], factory: factory)
            .increment()
    }

    /// Counts one request refused by the limit `scope`.
    func rateLimited(_ scope: String) {
        Counter(label: "tidemark_rate_limited_total", dimensions: [("limit", scope)], factory: factory).increment()
    }
}
