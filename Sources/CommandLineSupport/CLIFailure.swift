/// A failure of `synccli` or `tidemark-bench` itself (not of the library it drives), with a stable code: one line
/// `error: <code>: <message>` on standard error and exit code 1.
public struct CLIFailure: Error, Sendable, CustomStringConvertible {
    /// A stable, machine-readable code. Only the command-line tools mint codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The wire name, e.g. "benchmark_failed".
        public let rawValue: String

        private init(_ rawValue: String) { self.rawValue = rawValue }

        /// The wire name.
        public var description: String { rawValue }

        /// A benchmark could not run to its end (its server did not start, a request was refused,
        /// it timed out).
        public static let benchmarkFailed = Code("benchmark_failed")
        /// A benchmark's check of its own result failed: the work it measured did not produce what
        /// it should (the figures are not to be trusted).
        public static let verificationFailed = Code("verification_failed")
        /// What the verb was asked about does not exist (such as an event position).
        public static let notFound = Code("not_found")
    }

    /// The stable code.
    public let code: Code
    /// A message a person understands.
    public let message: String
    /// The original error, printed as the cause.
    public var underlying: (any Error & Sendable)?

    /// Creates a failure.
    public init(_ code: Code, _ message: String, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}
