/// A benchmark that cannot go on, with the reason (printed as the command's one error line).
public struct BenchFailure: Error, CustomStringConvertible {
    /// Why the benchmark stopped.
    public var description: String

    /// Creates a failure with its reason.
    public init(_ description: String) { self.description = description }
}
