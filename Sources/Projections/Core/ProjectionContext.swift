import Foundation
import Logging
import PostgresNIO

/// What a projection may use while it applies a batch: the runner's transaction and a logger.
///
/// The helpers move rows as JSON through `jsonb_populate_recordset`, so a row type is any
/// `Codable` struct whose coding keys are the table's column names (snake_case). Timestamps are
/// ISO-8601 strings (see ``ReadDate``) so that they pass through untouched.
public struct ProjectionContext: Sendable {
    /// The connection of the runner's open transaction; its `search_path` is the target schema.
    public let connection: PostgresConnection
    /// Where the projection logs.
    public let logger: Logger
    /// `true` while filling shadow tables for a rebuild: nobody reads them yet, so per-batch work
    /// that only readers need may wait for ``Projection/finishRebuild(in:)``.
    public let isRebuilding: Bool

    /// Creates a context (the runner and the rebuilder do this).
    public init(connection: PostgresConnection, logger: Logger, isRebuilding: Bool = false) {
        self.connection = connection
        self.logger = logger
        self.isRebuilding = isRebuilding
    }

    /// Loads the stored rows of `table` whose keys appear in `keys`.
    ///
    /// - Parameter keys: Values that encode at least the key columns (a row, or a key-only struct).
    /// - Returns: The rows found; missing keys are simply absent.
    public func load<Row: Decodable, Key: Encodable>(_ type: Row.Type, from table: ReadTable, keys: [Key]) async throws -> [Row] {
        guard !keys.isEmpty else { return [] }
        let json = try Self.encode(keys)
        let rows = try await connection.query(PostgresQuery(unsafeSQL: table.loadSQL, binds: Self.binds(json)), logger: logger)
        var result: [Row] = []
        let decoder = JSONDecoder()
        for try await text in rows.decode(String.self) {
            result.append(try decoder.decode(Row.self, from: Data(text.utf8)))
        }
        return result
    }

    /// Inserts or replaces `rows` in `table` (by its key) in one statement.
    public func upsert<Row: Encodable>(_ rows: [Row], into table: ReadTable) async throws {
        guard !rows.isEmpty else { return }
        try await run(table.upsertSQL, json: try Self.encode(rows))
    }

    /// Inserts `rows` into an append-only `table` in one statement.
    public func insert<Row: Encodable>(_ rows: [Row], into table: ReadTable) async throws {
        guard !rows.isEmpty else { return }
        try await run(table.insertSQL, json: try Self.encode(rows))
    }

    /// Runs one statement of the projection's own with bound parameters.
    public func execute(_ query: PostgresQuery) async throws {
        _ = try await connection.query(query, logger: logger)
    }

    private func run(_ sql: String, json: String) async throws {
        _ = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: Self.binds(json)), logger: logger)
    }

    private static func binds(_ json: String) -> PostgresBindings {
        var binds = PostgresBindings(capacity: 1)
        binds.append(json)
        return binds
    }

    private static func encode<Value: Encodable>(_ value: Value) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }
}
