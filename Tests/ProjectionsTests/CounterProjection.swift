import EventStore
import Foundation
import PostgresNIO
import Projections
import TidemarkTestSupport

/// A test projection that records, per event, how many times it was applied, so a test can prove
/// that every event was applied exactly once.
///
/// Events of type `Poison` fail while `poisoned` is set. `hook` runs mid-batch, after the rows are
/// written and before the checkpoint commits, so a test can kill the runner there.
struct CounterProjection: Projection {
    var name: String
    var version: Int = 1
    var poisoned: Locked<Bool> = Locked(true)
    var hook: (@Sendable (_ batch: [RecordedEvent]) async -> Void)?

    var eventTypes: [String]? { ["Counted", "Poison"] }

    /// `applied_<name>`, so that two counters never share a table.
    var table: String { "applied_\(name)" }

    var tables: [ReadTable] {
        var columns = ["position", "stream", "applied_count", "last_position"]
        if version >= 2 { columns.append("note") }
        return [ReadTable(name: table, key: ["position"], columns: columns)]
    }

    var schema: [String] {
        [
            """
            CREATE TABLE \(table) (
                position bigint PRIMARY KEY, stream text NOT NULL, applied_count int NOT NULL, last_position bigint NOT NULL
                \(version >= 2 ? ", note text NOT NULL DEFAULT 'v2'" : "")
            )
            """
        ]
    }

    func apply(_ events: [RecordedEvent], in context: ProjectionContext) async throws {
        for event in events where event.type == "Poison" && poisoned.value {
            throw PoisonError(position: event.position)
        }
        let positions = events.map(\.position)
        let streams = events.map(\.stream.rawValue)
        try await context.execute(
            """
            INSERT INTO \(unescaped: table) (position, stream, applied_count, last_position)
            SELECT p, s, 1, p FROM unnest(\(positions)::int8[], \(streams)::text[]) AS e(p, s)
            ON CONFLICT (position) DO UPDATE SET applied_count = \(unescaped: table).applied_count + 1
            """
        )
        if let hook { await hook(events) }
    }

    struct PoisonError: Error, CustomStringConvertible {
        var position: Int64
        var description: String { "poison event at \(position)" }
    }
}
