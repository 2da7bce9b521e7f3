/// One versioned schema change, applied once and recorded in `tidemark_migrations`.
///
/// A migration that has shipped is never edited: add a new one instead.
public struct Migration: Sendable, Hashable {
    /// The component that owns the migration, for example `eventstore` or `projections`.
    public var component: String
    /// The version within the component: 1, 2, 3… without gaps.
    public var version: Int
    /// A short description, for logs and `synccli migrate`.
    public var name: String
    /// The SQL statements, run in order inside the migration's transaction. Constant text only.
    public var statements: [String]

    /// Creates a migration.
    public init(component: String, version: Int, name: String, statements: [String]) {
        self.component = component
        self.version = version
        self.name = name
        self.statements = statements
    }
}
