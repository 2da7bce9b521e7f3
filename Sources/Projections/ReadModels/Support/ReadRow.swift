/// A row of a read table: a `Codable` struct whose coding keys are the table's column names.
package protocol ReadRow: Codable, Sendable {
    /// The table the row belongs to.
    static var table: ReadTable { get }
    /// The statements that create the table and its indexes (unqualified names).
    static var schema: [String] { get }
    /// The row's primary key.
    var key: ReadKey { get }
}
