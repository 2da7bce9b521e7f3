/// A test failure with a message, for helpers that cannot use `#expect` (a harness that did not
/// start, a condition that never held).
public struct TestFailure: Error, CustomStringConvertible {
    /// What went wrong.
    public var description: String

    /// A failure saying `description`.
    public init(_ description: String) { self.description = description }
}
