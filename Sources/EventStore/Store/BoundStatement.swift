import PostgresNIO

/// A statement that each connection prepares once (by its type's name) and then only binds and
/// executes: PostgreSQL parses, analyses and plans it once per connection instead of once per call,
/// which on the hot paths (stream reads, pushes, pulls) was a large part of its work.
///
/// A conforming type holds its SQL in `sql`, with `$1`, `$2`, … cast to their types so that
/// PostgreSQL infers the parameter types from the text alone, and its values in ``bindings``, in
/// that order. Rows come back as `PostgresRow`, decoded by the caller:
///
/// ```swift
/// struct SessionRevoked: BoundStatement {
///     static let sql = "SELECT revoked_at FROM auth_sessions WHERE session_id = $1::uuid"
///     let bindings: PostgresBindings
///     init(session: UUID) { var b = PostgresBindings(); b.append(session); bindings = b }
/// }
/// for try await row in try await connection.execute(SessionRevoked(session: id), logger: logger) { … }
/// ```
///
/// Only statements whose result columns cannot change with a migration may be prepared (no
/// `SELECT *` of a read table): a prepared statement whose result type changes fails.
public protocol BoundStatement: PostgresPreparedStatement where Row == PostgresRow {
    /// The values of `$1`, `$2`, … in order.
    var bindings: PostgresBindings { get }
}

extension BoundStatement {
    /// The statement's ``bindings``.
    public func makeBindings() throws -> PostgresBindings { bindings }

    /// The row itself: callers decode the columns they selected.
    public func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}
