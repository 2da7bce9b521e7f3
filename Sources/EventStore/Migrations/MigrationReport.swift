/// What a migration run did.
public struct MigrationReport: Sendable, Hashable {
    /// The migrations applied by this run, in order.
    public var applied: [Migration]
    /// The highest version now recorded per component.
    public var versions: [String: Int]

    /// Creates a report.
    public init(applied: [Migration], versions: [String: Int]) {
        self.applied = applied
        self.versions = versions
    }
}
