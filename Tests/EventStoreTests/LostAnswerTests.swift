import EventStore
import Foundation
import PostgresNIO
import Testing
import TidemarkTestSupport

/// A prepared statement that sleeps a little, so that a backend can be ended mid-query.
private struct NapStatement: BoundStatement {
    static let sql = "SELECT pg_sleep($1::float8)::text, 1::int4"
    let bindings: PostgresBindings
    init(seconds: Double) {
        var bindings = PostgresBindings()
        bindings.append(seconds)
        self.bindings = bindings
    }
}

/// postgres-nio 1.33.2 loses the answer of a query sent on a pooled connection that the server has
/// just ended (the pool leases it before it notices the close; the query is written to a closed
/// channel with no promise, and its caller waits forever). These tests end backends while eight
/// workers query in a loop, and show that ``Deadline`` turns each lost answer into a timeout the
/// caller can act on (the projection runner and the subscriptions guard their queries with it), so
/// every worker ends.
@Suite("Queries on connections that the server ends")
struct LostAnswerTests {
    @Test("with prepared statements, every guarded call ends (rows, an error, or a timeout for a lost answer)")
    func preparedCallsEnd() async throws {
        try await Self.race { store, seconds in
            for try await _ in try await store.client.execute(NapStatement(seconds: seconds)) {}
        }
    }

    @Test("with unnamed statements, every guarded call ends (rows, an error, or a timeout for a lost answer)")
    func unnamedCallsEnd() async throws {
        try await Self.race { store, seconds in
            for try await _ in try await store.client.query("SELECT pg_sleep(\(seconds))::text, 1::int4") {}
        }
    }

    /// Eight workers make 40 calls each, each under a 3 s ``Deadline``, while the backends that run
    /// them are ended now and then; then checks that every worker ended and that the pool still
    /// answers.
    static func race(_ call: @escaping @Sendable (EventStore, Double) async throws -> Void) async throws {
        try await withFreshStore(applicationName: "tidemark-lost-answer-test") { store, _ in
            let workers = 8
            let calls = 40
            let finished = Locked(0)
            let outcomes = Locked([String: Int]())
            for _ in 0..<workers {
                Task {
                    for _ in 0..<calls {
                        let outcome = await Deadline.run(timeout: .seconds(3)) { () async -> String in
                            do {
                                try await call(store, Double.random(in: 0...0.02))
                                return "rows"
                            } catch {
                                return "error"
                            }
                        }
                        outcomes.withLock { $0[outcome ?? "lost", default: 0] += 1 }
                    }
                    finished.withLock { $0 += 1 }
                }
            }
            let killUntil = ContinuousClock.now + .seconds(8)
            while finished.value < workers, ContinuousClock.now < killUntil {
                try await Task.sleep(for: .milliseconds(Int.random(in: 5...40)))
                // The killer's own query may be sent on a connection it just ended: guarded too.
                _ = await Deadline.run(timeout: .seconds(3)) {
                    _ = try? await store.client.query(
                        """
                        SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                        WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'SELECT pg_sleep%'
                        """)
                }
            }
            try await eventually("every worker ends", timeout: .seconds(120), interval: .milliseconds(100)) { finished.value == workers }
            let seen = outcomes.value
            #expect(seen.values.reduce(0, +) == workers * calls)
            #expect(seen["error", default: 0] > 0, "no backend was ended: \(seen)")
            print("lost-answer race: \(seen)")
            // The pool still answers once the storm is over (each try guarded too: a connection
            // ended just before the storm stopped may still lose one answer).
            var answered = false
            for _ in 0..<3 where !answered {
                let one = await Deadline.run(timeout: .seconds(5)) { () async -> Int32? in
                    guard let rows = try? await store.client.query("SELECT 1::int4") else { return nil }
                    var one: Int32?
                    do { for try await value in rows.decode(Int32.self) { one = value } } catch { return nil }
                    return one
                }
                answered = one == 1
            }
            #expect(answered)
        }
    }
}
