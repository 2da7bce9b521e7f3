/// An error answer of the API (`application/problem+json`, RFC 9457) as clients decode it.
public struct ProblemDetails: Error, Sendable, Hashable, Codable {
    /// The HTTP reason phrase.
    public var title: String
    /// The HTTP status.
    public var status: Int
    /// The stable code, for example `unauthorized`, `session_revoked`, `upgrade_required`,
    /// `resync_required`, `rate_limited`.
    public var code: String
    /// A message a person understands.
    public var detail: String

    /// Creates a problem.
    public init(title: String, status: Int, code: String, detail: String) {
        self.title = title
        self.status = status
        self.code = code
        self.detail = detail
    }
}
