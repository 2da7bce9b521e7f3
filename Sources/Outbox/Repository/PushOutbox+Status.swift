import Foundation
import PostgresNIO

extension PushOutbox {
    /// Counts deliveries per channel and status, with the oldest due pending age and pauses.
    public func status() async throws -> PushStatusReport {
        let rows = try await client.query(
            """
            SELECT channel,
                   count(*) FILTER (WHERE status = 'queued')::int8,
                   count(*) FILTER (WHERE status = 'retrying')::int8,
                   count(*) FILTER (WHERE status = 'sent')::int8,
                   count(*) FILTER (WHERE status = 'failed')::int8,
                   count(*) FILTER (WHERE status = 'dead')::int8,
                   count(*) FILTER (WHERE status IN ('skipped', 'superseded', 'expired'))::int8,
                   coalesce(extract(epoch FROM now() - min(not_before) FILTER (
                       WHERE status IN ('queued', 'retrying') AND not_before <= now())), 0)::float8
            FROM push_deliveries GROUP BY channel ORDER BY channel
            """, logger: logger)
        var channels: [String: PushStatusReport.Channel] = [:]
        for try await (channel, queued, retrying, sent, failed, dead, skipped, oldest) in rows.decode(
            (String, Int64, Int64, Int64, Int64, Int64, Int64, Double).self
        ) {
            channels[channel] = PushStatusReport.Channel(
                channel: channel, queued: Int(queued), retrying: Int(retrying), sent: Int(sent), failed: Int(failed), dead: Int(dead),
                skipped: Int(skipped), oldestPendingSeconds: oldest, paused: nil)
        }
        for state in try await channelStates() where state.isPaused {
            var entry =
                channels[state.channel]
                ?? PushStatusReport.Channel(
                    channel: state.channel, queued: 0, retrying: 0, sent: 0, failed: 0, dead: 0, skipped: 0, oldestPendingSeconds: 0, paused: nil)
            entry.paused = state
            channels[state.channel] = entry
        }
        return PushStatusReport(channels: channels.values.sorted { $0.channel < $1.channel })
    }
}
