import Domain
import EventStore
import Foundation
import Projections

/// Turns notifications, announcement publications and order state changes into push deliveries:
/// one row in `push_deliveries` per (event, device), with a deterministic id, so replays and
/// rebuilds never enqueue twice.
///
/// Its read tables (`push_targets`, `push_audience`, `push_sources`) are its own view of devices,
/// users with their preferences, and message wording, built from the same log in the same order
/// as the messages, so a fan-out sees exactly the devices registered before the message.
/// A message older than its time to live when it is fanned out (as in a rebuild from position
/// zero) is not enqueued at all.
public struct PushOutboxProjection: Projection {
    /// `"push_outbox"`.
    public let name = "push_outbox"
    /// Version 1.
    public let version = 1
    /// Lifetimes and urgency per kind.
    public let policy: PushOutboxPolicy
    /// The clock for expiry and quiet hours.
    public let now: @Sendable () -> Date

    /// Creates the projection.
    public init(policy: PushOutboxPolicy = PushOutboxPolicy(), now: @escaping @Sendable () -> Date = { Date() }) {
        self.policy = policy
        self.now = now
    }

    /// Device, user, preference, notification, announcement and order events.
    public var eventTypes: [String]? { OutboxInput.eventTypes }
    /// `push_targets`, `push_audience`, `push_sources`.
    public var tables: [ReadTable] { [PushTargetRow.table, PushAudienceRow.table, PushSourceRow.table] }
    /// The three tables and their indexes.
    public var schema: [String] { PushTargetRow.schema + PushAudienceRow.schema + PushSourceRow.schema }

    /// Applies a batch in log order.
    public func apply(_ events: [RecordedEvent], in context: ProjectionContext) async throws {
        var inputs: [(RecordedEvent, OutboxInput)] = []
        inputs.reserveCapacity(events.count)
        for recorded in events {
            if let input = try OutboxInput.decode(recorded) { inputs.append((recorded, input)) }
        }
        var batch = OutboxBatch(projection: self, context: context)
        try await batch.preload(inputs)
        for (recorded, input) in inputs {
            try await batch.apply(recorded, input)
        }
        try await batch.finish()
    }
}
