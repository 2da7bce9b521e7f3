/// The key of one read row: its key columns and their values, encoded as a JSON object
/// (`{"todo_id": "…"}`) for ``ProjectionContext/load(_:from:keys:)``.
///
/// Values are text; PostgreSQL reads them into the column's type (`uuid`, `integer`, …).
package struct ReadKey: Hashable, Sendable, Encodable, CustomStringConvertible {
    /// The key columns, in table order.
    let columns: [String]
    /// The values of ``columns``, in the same order.
    let values: [String]

    /// A key from column/value pairs, in table order.
    package init(_ pairs: KeyValuePairs<String, String>) {
        self.columns = pairs.map(\.key)
        self.values = pairs.map(\.value)
    }

    /// `column=value, …`, for error messages.
    package var description: String {
        zip(columns, values).map { "\($0)=\($1)" }.joined(separator: ", ")
    }

    /// Encodes the key as one JSON object.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: ColumnName.self)
        for (column, value) in zip(columns, values) {
            try container.encode(value, forKey: ColumnName(column))
        }
    }

    /// A coding key naming a column.
    private struct ColumnName: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
