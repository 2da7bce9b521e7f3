import EventStore
import Foundation
import Logging
import PostgresNIO

/// The SQL of `push_deliveries`, `push_channels` and `push_device_health` that dispatchers and
/// operators run. The tables' schema (``PushMigrations``) and the projection that enqueues deliveries
/// (``PushOutboxProjection``) live in this module too: it is the one owner of the push tables.
///
/// Every outcome statement only touches rows still leased by the caller (`lease_owner`), so a
/// dispatcher whose lease ran out and whose rows another dispatcher claimed records nothing.
public struct PushOutbox: Sendable {
    /// The database.
    public let client: PostgresClient
    /// Where statements log.
    public let logger: Logger

    /// Creates the outbox over `client`.
    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Fails with a hint to run `synccli migrate` when the push tables do not exist yet.
    ///
    /// - Throws: ``PushOutboxError`` `not_migrated` when they do not; the database's error when
    ///   it cannot be asked.
    public func requireTables() async throws {
        let rows = try await client.query(
            "SELECT to_regclass('public.push_deliveries') IS NOT NULL AND to_regclass('public.push_channels') IS NOT NULL", logger: logger)
        for try await ready in rows.decode(Bool.self) where ready { return }
        throw PushOutboxError(.notMigrated, "this database has no push tables yet; run `synccli migrate` (or start the server) first")
    }

    /// The state of each channel that has been paused at least once.
    public func channelStates() async throws -> [PushChannelState] {
        let rows = try await client.query(
            """
            SELECT channel, paused_reason, extract(epoch FROM paused_at)::float8, extract(epoch FROM resume_at)::float8,
                   resume_at <= now(), pauses
            FROM push_channels ORDER BY channel
            """, logger: logger)
        var result: [PushChannelState] = []
        for try await (channel, reason, pausedAt, resumeAt, due, pauses) in rows.decode((String, String?, Double?, Double?, Bool?, Int32).self) {
            result.append(
                PushChannelState(
                    channel: channel, pausedReason: reason, pausedAt: pausedAt.map(Date.init(timeIntervalSince1970:)),
                    resumeAt: resumeAt.map(Date.init(timeIntervalSince1970:)), probeDue: due ?? false, pauses: Int(pauses)))
        }
        return result
    }

    /// Claims up to `limit` due deliveries of `channels` for `owner` for `lease`.
    public func claim(channels: [String], limit: Int, owner: String, lease: Duration) async throws -> [ClaimedDelivery] {
        guard !channels.isEmpty, limit > 0 else { return [] }
        let rows = try await client.query(
            """
            WITH claimable AS (
                SELECT delivery_id FROM push_deliveries
                WHERE status IN ('queued', 'retrying') AND not_before <= now() AND expires_at > now()
                  AND (lease_until IS NULL OR lease_until < now()) AND channel = ANY(\(channels))
                ORDER BY not_before
                LIMIT \(limit)
                FOR UPDATE SKIP LOCKED
            )
            UPDATE push_deliveries d
            SET lease_owner = \(owner), lease_until = now() + make_interval(secs => \(lease.seconds)),
                attempts = d.attempts + 1, last_attempt_at = now(), updated_at = now()
            FROM claimable c WHERE d.delivery_id = c.delivery_id
            RETURNING json_build_object(
                'delivery_id', d.delivery_id, 'tenant_id', d.tenant_id, 'user_id', d.user_id, 'device_id', d.device_id,
                'channel', d.channel, 'environment', d.environment, 'token', d.token, 'topic', d.topic, 'title', d.title,
                'body', d.body, 'data', d.data, 'collapse_key', d.collapse_key, 'priority', d.priority,
                'expires_at', extract(epoch FROM d.expires_at), 'event_at', extract(epoch FROM d.event_at), 'attempts', d.attempts)::text
            """, logger: logger)
        var claimed: [ClaimedDelivery] = []
        let decoder = JSONDecoder()
        for try await text in rows.decode(String.self) {
            claimed.append(try decoder.decode(ClaimedDelivery.self, from: Data(text.utf8)))
        }
        return claimed
    }

    /// Records accepted sends and each device's last success; returns how many were still ours.
    @discardableResult
    public func markSent(_ sent: [(id: UUID, providerID: String?)], owner: String) async throws -> Int {
        guard !sent.isEmpty else { return 0 }
        let rows = try await client.query(
            """
            WITH done AS (
                UPDATE push_deliveries d
                SET status = 'sent', sent_at = now(), provider_message_id = nullif(u.provider_id, ''), lease_owner = NULL, lease_until = NULL,
                    last_error = NULL, status_reason = NULL, updated_at = now()
                FROM unnest(\(sent.map(\.id))::uuid[], \(sent.map { $0.providerID ?? "" })::text[]) AS u(id, provider_id)
                WHERE d.delivery_id = u.id AND d.lease_owner = \(owner)
                RETURNING d.device_id
            ), health AS (
                INSERT INTO push_device_health AS h (device_id, last_success_at, successes)
                SELECT device_id, now(), count(*) FROM done GROUP BY device_id
                ON CONFLICT (device_id) DO UPDATE SET last_success_at = now(), successes = h.successes + EXCLUDED.successes
            )
            SELECT count(*)::int8 FROM done
            """, logger: logger)
        for try await count in rows.decode(Int64.self) { return Int(count) }
        return 0
    }

    /// Schedules retries after `delay` each; a delivery out of attempts, or whose expiry comes
    /// before the next attempt, becomes `dead` with its last error.
    public func markRetry(_ retries: [(id: UUID, delay: Duration, error: String)], maxAttempts: Int, owner: String) async throws {
        guard !retries.isEmpty else { return }
        let delays = retries.map(\.delay.seconds)
        _ = try await client.query(
            """
            WITH failed AS (
                UPDATE push_deliveries d
                SET status = CASE WHEN d.attempts >= \(maxAttempts) OR now() + make_interval(secs => u.delay) >= d.expires_at
                                  THEN 'dead' ELSE 'retrying' END,
                    status_reason = CASE WHEN d.attempts >= \(maxAttempts) THEN 'gave up after ' || d.attempts || ' attempts'
                                         WHEN now() + make_interval(secs => u.delay) >= d.expires_at THEN 'expires before the next attempt'
                                         ELSE 'retry ' || (d.attempts + 1) || ' after ' || round(u.delay::numeric, 1) || ' s' END,
                    not_before = now() + make_interval(secs => u.delay), last_error = u.error,
                    lease_owner = NULL, lease_until = NULL, updated_at = now()
                FROM unnest(\(retries.map(\.id))::uuid[], \(delays)::float8[], \(retries.map(\.error))::text[]) AS u(id, delay, error)
                WHERE d.delivery_id = u.id AND d.lease_owner = \(owner)
                RETURNING d.device_id, u.error
            )
            \(unescaped: Self.failureHealthSQL)
            """, logger: logger)
    }

    /// Gives up on deliveries the provider refused for good (`failed`).
    public func markFailed(_ failures: [(id: UUID, reason: String)], owner: String) async throws {
        guard !failures.isEmpty else { return }
        _ = try await client.query(
            """
            WITH failed AS (
                UPDATE push_deliveries d
                SET status = 'failed', status_reason = u.reason, last_error = u.reason, lease_owner = NULL, lease_until = NULL, updated_at = now()
                FROM unnest(\(failures.map(\.id))::uuid[], \(failures.map(\.reason))::text[]) AS u(id, reason)
                WHERE d.delivery_id = u.id AND d.lease_owner = \(owner)
                RETURNING d.device_id, u.reason AS error
            )
            \(unescaped: Self.failureHealthSQL)
            """, logger: logger)
    }

    /// Marks one delivery `failed` because the provider rejected its token, on `connection`
    /// (the transaction that appends `DeviceTokenInvalidated`).
    package static func markInvalidToken(_ id: UUID, reason: String, owner: String, on connection: PostgresConnection, logger: Logger) async throws {
        _ = try await connection.query(
            """
            WITH failed AS (
                UPDATE push_deliveries d
                SET status = 'failed', status_reason = \(reason), last_error = \(reason), lease_owner = NULL, lease_until = NULL, updated_at = now()
                WHERE d.delivery_id = \(id) AND d.lease_owner = \(owner)
                RETURNING d.device_id, \(reason)::text AS error
            )
            \(unescaped: Self.failureHealthSQL)
            """, logger: logger)
    }

    /// Hands deliveries back without counting the attempt: their channel paused (`error` says
    /// why), or the dispatcher is shutting down and did not send them (`error` is `nil`: the last
    /// error stays). They are claimable again at once.
    public func release(_ ids: [UUID], error: String?, owner: String) async throws {
        guard !ids.isEmpty else { return }
        _ = try await client.query(
            """
            UPDATE push_deliveries
            SET attempts = greatest(attempts - 1, 0), last_error = coalesce(\(error), last_error), lease_owner = NULL, lease_until = NULL,
                updated_at = now()
            WHERE delivery_id = ANY(\(ids)::uuid[]) AND lease_owner = \(owner)
            """, logger: logger)
    }

    /// Pauses `channel` until a probe in `probe` × 2^(pauses so far), up to 64 × `probe` (after a
    /// credential error), or in exactly `probe` when `doubling` is false (the provider said how
    /// long to wait).
    public func pause(channel: String, reason: String, probe: Duration, doubling: Bool = true) async throws {
        let seconds = probe.seconds
        _ = try await client.query(
            """
            INSERT INTO push_channels AS c (channel, paused_at, paused_reason, resume_at, pauses, updated_at)
            VALUES (\(channel), now(), \(reason), now() + make_interval(secs => \(seconds)), 1, now())
            ON CONFLICT (channel) DO UPDATE SET
                paused_at = coalesce(c.paused_at, now()), paused_reason = EXCLUDED.paused_reason,
                resume_at = now() + make_interval(secs => \(seconds) * CASE WHEN \(doubling) THEN power(2, least(c.pauses, 6)) ELSE 1 END),
                pauses = c.pauses + 1, updated_at = now()
            """, logger: logger)
    }

    /// Ends the pause of `channel` (a probe succeeded, or an operator resumed it). Returns whether it was paused.
    @discardableResult
    public func resume(channel: String) async throws -> Bool {
        let rows = try await client.query(
            """
            UPDATE push_channels SET paused_at = NULL, paused_reason = NULL, resume_at = NULL, pauses = 0, updated_at = now()
            WHERE channel = \(channel) AND paused_at IS NOT NULL
            RETURNING 1
            """, logger: logger)
        for try await _ in rows { return true }
        return false
    }

    /// Marks pending, unleased deliveries whose expiry has passed as `expired`; returns how many.
    @discardableResult
    public func sweepExpired() async throws -> Int {
        let rows = try await client.query(
            """
            WITH gone AS (
                UPDATE push_deliveries SET status = 'expired', status_reason = 'expired before it could be sent', updated_at = now()
                WHERE status IN ('queued', 'retrying') AND expires_at <= now() AND (lease_until IS NULL OR lease_until < now())
                RETURNING 1
            )
            SELECT count(*)::int8 FROM gone
            """, logger: logger)
        for try await count in rows.decode(Int64.self) { return Int(count) }
        return 0
    }

    /// Queues `dead` deliveries (of `channel`, if given) again with fresh attempts; those already
    /// expired stay dead. Returns (requeued, left dead because expired).
    public func retryDead(channel: String?) async throws -> (requeued: Int, expired: Int) {
        let rows = try await client.query(
            """
            WITH candidates AS (
                SELECT delivery_id, expires_at > now() AS alive FROM push_deliveries
                WHERE status = 'dead' AND (\(channel)::text IS NULL OR channel = \(channel)::text)
                FOR UPDATE
            ), requeued AS (
                UPDATE push_deliveries d
                SET status = 'queued', status_reason = 'requeued by an operator', attempts = 0, not_before = now(),
                    lease_owner = NULL, lease_until = NULL, updated_at = now()
                FROM candidates c WHERE d.delivery_id = c.delivery_id AND c.alive
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM requeued)::int8, (SELECT count(*) FROM candidates WHERE NOT alive)::int8
            """, logger: logger)
        for try await (requeued, expired) in rows.decode((Int64, Int64).self) { return (Int(requeued), Int(expired)) }
        return (0, 0)
    }

    /// Deletes finished deliveries (sent, failed, dead, skipped, superseded, expired) last changed
    /// longer than `age` ago, in batches of `batch` rows; returns how many.
    ///
    /// Pending and leased rows are never deleted. `age` must exceed every message's time to live:
    /// a delivery's row is what stops a replay or rebuild from enqueueing its event again, and a
    /// rebuild enqueues nothing older than its time to live.
    public func prune(olderThan age: Duration, batch: Int = 10_000) async throws -> Int {
        let seconds = age.seconds
        var total = 0
        while true {
            let rows = try await client.query(
                """
                WITH gone AS (
                    DELETE FROM push_deliveries WHERE delivery_id IN (
                        SELECT delivery_id FROM push_deliveries
                        WHERE status IN ('sent', 'failed', 'dead', 'skipped', 'superseded', 'expired')
                          AND updated_at < now() - make_interval(secs => \(seconds))
                        LIMIT \(batch)
                    )
                    RETURNING 1
                )
                SELECT count(*)::int8 FROM gone
                """, logger: logger)
            var deleted = 0
            for try await count in rows.decode(Int64.self) { deleted = Int(count) }
            total += deleted
            if deleted < batch { return total }
        }
    }

    /// Updates `push_device_health` from a CTE named `failed` returning `(device_id, error)`.
    private static let failureHealthSQL = """
        INSERT INTO push_device_health AS h (device_id, last_failure_at, last_error, failures)
        SELECT device_id, now(), max(error), count(*) FROM failed GROUP BY device_id
        ON CONFLICT (device_id) DO UPDATE SET last_failure_at = now(), last_error = EXCLUDED.last_error, failures = h.failures + EXCLUDED.failures
        """
}
