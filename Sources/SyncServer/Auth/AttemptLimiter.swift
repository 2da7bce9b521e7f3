import Logging
import PostgresNIO
import Synchronization

/// Counts attempts per subject in PostgreSQL (`auth_attempts`), so that a limit holds across every
/// server instance on the database.
///
/// An attempt is **claimed before** the work it limits: one `INSERT … ON CONFLICT DO UPDATE …
/// RETURNING` increments the subject's counter under its row lock and returns the new count, so
/// with any number of concurrent attempts at most ``AttemptRule/limit`` get through in a window.
/// Work that turns out not to count (a sign-in with the right password) gives its claim back.
struct AttemptLimiter: Sendable {
    let client: PostgresClient
    let logger: Logger
    let metrics: AuthMetrics
    private let schedule = PruneSchedule(every: 512)

    init(client: PostgresClient, logger: Logger, metrics: AuthMetrics) {
        self.client = client
        self.logger = logger
        self.metrics = metrics
    }

    /// Claims one attempt of `subject` under `rule`.
    /// - Throws: ``AuthError`` `rate_limited` with the seconds until the window ends, when the
    ///   window already holds `rule.limit` attempts (the refused attempt is not counted further);
    ///   `unavailable` when the database failed.
    func claim(_ rule: AttemptRule, _ subject: String) async throws(AuthError) {
        guard rule.limit > 0 else { return }
        var refusal: AuthError?
        do {
            let rows = try await client.query(
                """
                INSERT INTO auth_attempts AS a (scope, subject, attempts, window_ends_at)
                VALUES (\(rule.scope), \(subject), 1, now() + make_interval(secs => \(Double(rule.windowSeconds))))
                ON CONFLICT (scope, subject) DO UPDATE SET
                    attempts = CASE WHEN a.window_ends_at <= now() THEN 1 ELSE least(a.attempts + 1, \(Int32(clamping: rule.limit + 1))) END,
                    window_ends_at = CASE WHEN a.window_ends_at <= now() THEN EXCLUDED.window_ends_at ELSE a.window_ends_at END
                RETURNING attempts, extract(epoch FROM window_ends_at - now())::float8
                """,
                logger: logger
            )
            for try await (attempts, remaining) in rows.decode((Int32, Double).self) where Int(attempts) > rule.limit {
                let seconds = max(1, Int(remaining.rounded(.up)))
                refusal = AuthError(.rateLimited, "too many \(rule.counted); try again in \(seconds) s", retryAfter: seconds)
            }
        } catch {
            throw .unavailable(error, while: "counting attempts")
        }
        if schedule.tick() { await prune() }
        if let refusal {
            metrics.rateLimited(rule.scope)
            logger.notice("attempt refused by a limit", metadata: ["auth.limit": "\(rule.scope)", "auth.subject": "\(subject)"])
            throw refusal
        }
    }

    /// Gives back one claimed attempt of `subject` (it turned out not to count).
    func refund(_ rule: AttemptRule, _ subject: String) async throws(AuthError) {
        guard rule.limit > 0 else { return }
        do {
            try await client.query(
                """
                UPDATE auth_attempts SET attempts = greatest(attempts - 1, 0)
                WHERE scope = \(rule.scope) AND subject = \(subject) AND window_ends_at > now()
                """,
                logger: logger
            )
        } catch {
            throw .unavailable(error, while: "counting attempts")
        }
    }

    /// Forgets every attempt of `subject` under `rule`.
    func clear(_ rule: AttemptRule, _ subject: String) async throws(AuthError) {
        do {
            try await client.query("DELETE FROM auth_attempts WHERE scope = \(rule.scope) AND subject = \(subject)", logger: logger)
        } catch {
            throw .unavailable(error, while: "counting attempts")
        }
    }

    /// Deletes counters whose window has ended (such a row counts as nothing anyway).
    private func prune() async {
        do {
            try await client.query("DELETE FROM auth_attempts WHERE window_ends_at <= now()", logger: logger)
        } catch {
            logger.warning("pruning attempt counters failed", metadata: ["error": "\(String(reflecting: error))"])
        }
    }
}

/// Says "now" once every `every` ticks: how often this instance prunes ended counters.
private final class PruneSchedule: Sendable {
    private let ticks = Atomic<Int>(0)
    private let every: Int

    init(every: Int) { self.every = max(1, every) }

    func tick() -> Bool {
        ticks.wrappingAdd(1, ordering: .relaxed).newValue % every == 0
    }
}
