import PostgresNIO

extension PSQLError {
    /// The SQLSTATE of the server's answer, or `nil` when the server did not answer (the
    /// connection failed or closed).
    ///
    /// Compare it with postgres-nio's constants (`.uniqueViolation`, `.undefinedTable`, …); a
    /// class check compares the first two characters of `raw`.
    package var sqlState: PostgresError.Code? {
        serverInfo?[.sqlState].map(PostgresError.Code.init(raw:))
    }
}
