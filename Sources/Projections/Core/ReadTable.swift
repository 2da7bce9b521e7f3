/// A table a projection owns: its name, its key and its columns, in table order.
///
/// The projection helpers of ``ProjectionContext`` build their SQL from these names, which are
/// fixed identifiers in code (validated, never user input); every value is a bound parameter.
public struct ReadTable: Sendable, Hashable {
    /// The unqualified table name.
    public var name: String
    /// The primary-key columns.
    public var key: [String]
    /// Every column, in the order of the `CREATE TABLE` statement.
    public var columns: [String]

    /// Creates a table description.
    public init(name: String, key: [String], columns: [String]) {
        precondition(Self.isIdentifier(name) && (key + columns).allSatisfy(Self.isIdentifier), "bad identifier in \(name)")
        precondition(Set(key).isSubset(of: Set(columns)), "key of \(name) must be among its columns")
        self.name = name
        self.key = key
        self.columns = columns
    }

    /// Whether `text` is a plain lower-case SQL identifier (letters, digits, `_`, not starting with a digit).
    public static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, !text.isEmpty, text.utf8.count <= 63 else { return false }
        guard ("a"..."z").contains(first) || first == "_" else { return false }
        return text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// `INSERT … ON CONFLICT (key) DO UPDATE` of a JSON array of rows (parameter `$1`).
    var upsertSQL: String {
        let keys = key.joined(separator: ", ")
        let others = columns.filter { !key.contains($0) }
        let update =
            others.isEmpty
            ? "NOTHING"
            : "UPDATE SET (\(others.joined(separator: ", "))) = ROW(\(others.map { "EXCLUDED.\($0)" }.joined(separator: ", ")))"
        return """
            INSERT INTO \(name) SELECT * FROM jsonb_populate_recordset(NULL::\(name), $1::jsonb)
            ON CONFLICT (\(keys)) DO \(update)
            """
    }

    /// Plain `INSERT` of a JSON array of rows (parameter `$1`), for append-only tables.
    var insertSQL: String {
        "INSERT INTO \(name) SELECT * FROM jsonb_populate_recordset(NULL::\(name), $1::jsonb)"
    }

    /// The stored rows whose keys are in a JSON array of key objects (parameter `$1`), as JSON.
    ///
    /// One primary-key lookup per key: the planner cannot see how many keys the JSON holds (it
    /// guesses 100), and with a plain join it would scan a large table instead. `OFFSET 0` keeps
    /// the lateral sub-select from being flattened into such a join.
    var loadSQL: String {
        let match = key.map { "t.\($0) = k.\($0)" }.joined(separator: " AND ")
        return """
            SELECT to_jsonb(t)::text
            FROM (SELECT DISTINCT \(key.joined(separator: ", ")) FROM jsonb_populate_recordset(NULL::\(name), $1::jsonb)) AS k
            CROSS JOIN LATERAL (SELECT * FROM \(name) AS t WHERE \(match) OFFSET 0) AS t
            """
    }
}
