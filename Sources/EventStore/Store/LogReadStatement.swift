import PostgresNIO

/// A page of the whole log after a position, gap-free and optionally filtered
/// (``EventStore/readAll(after:limit:filter:skipAhead:)``), prepared once per connection: projection
/// runners and subscriptions run it after every commit they hear of.
///
/// Parameters: the position's transaction id (text) and position, the tenant, categories and
/// event types (each `NULL` for no filter), and the limit.
struct LogReadStatement: BoundStatement {
    static let name = "tidemark_read_log"
    static let sql = """
        SELECT \(EventStore.eventColumns) FROM events
        WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
          AND (transaction_id, position) > ($1::text::xid8, $2::int8)
          AND ($3::text IS NULL OR tenant_id = $3::text)
          AND ($4::text[] IS NULL OR category = ANY($4::text[]))
          AND ($5::text[] IS NULL OR type = ANY($5::text[]))
        ORDER BY events.transaction_id, events.position
        LIMIT $6::int8
        """

    let bindings: PostgresBindings

    init(after position: LogPosition, filter: LogFilter, limit: Int) {
        var bindings = PostgresBindings(capacity: 6)
        bindings.append(String(position.transactionID))
        bindings.append(position.position)
        bindings.append(filter.tenantID)
        bindings.append(filter.categories)
        bindings.append(filter.eventTypes)
        bindings.append(Int64(limit))
        self.bindings = bindings
    }
}
