import EventStore
import Synchronization

/// The load test's figures as they arrive from every simulated device: per kind and per second of
/// the run (for the progress lines and `--timeline`), and over the measured window (for the report).
final class LoadRecorder: Sendable {
    private struct State {
        var seconds: [Int: [LoadRequestKind: LoadTally]] = [:]
        var measured: [LoadRequestKind: LoadTally] = [:]
        var logins = LoadTally()
        var window: Range<ContinuousClock.Instant>?
        var samples: [String] = []
    }

    /// The moment the run started: second 0 of the timeline.
    let start: ContinuousClock.Instant
    private let state = Mutex(State())

    /// A recorder whose second 0 starts now.
    init(start: ContinuousClock.Instant = .now) {
        self.start = start
    }

    /// Records one request of `kind` that ended at `instant`, its latency when it succeeded, and
    /// (for an error) what went wrong; the first few error descriptions are kept for the summary.
    func record(_ kind: LoadRequestKind, latency: Duration?, error: Bool, at instant: ContinuousClock.Instant = .now, problem: String? = nil) {
        let milliseconds = latency.map { $0.seconds * 1000 }
        let second = self.second(of: instant)
        state.withLock { state in
            state.seconds[second, default: [:]][kind, default: LoadTally()].add(latency: milliseconds, error: error)
            if kind == .login { state.logins.add(latency: milliseconds, error: error) }
            if let window = state.window, window.contains(instant) {
                state.measured[kind, default: LoadTally()].add(latency: milliseconds, error: error)
            }
            if let problem, state.samples.count < 20 { state.samples.append("\(kind.rawValue): \(problem)") }
        }
    }

    /// The measured window: figures recorded from `from` until `until` go into ``measured()``.
    func measure(from: ContinuousClock.Instant, until: ContinuousClock.Instant) {
        state.withLock { $0.window = from..<until }
    }

    /// The measured window, once it is set.
    var window: Range<ContinuousClock.Instant>? { state.withLock { $0.window } }

    /// The tallies of the measured window.
    func measured() -> [LoadRequestKind: LoadTally] { state.withLock { $0.measured } }

    /// Sign-ins over the whole run (they happen in the ramp-up, before the measured window).
    func logins() -> LoadTally { state.withLock { $0.logins } }

    /// The first error descriptions seen (at most 20).
    func errorSamples() -> [String] { state.withLock { $0.samples } }

    /// The second of the run `instant` falls in (0 for the first).
    func second(of instant: ContinuousClock.Instant) -> Int {
        Int((instant - start).seconds.rounded(.down))
    }

    /// Removes and returns the per-second tallies of every second before `second`, oldest first.
    func takeSeconds(before second: Int) -> [(second: Int, tallies: [LoadRequestKind: LoadTally])] {
        state.withLock { state in
            let done = state.seconds.keys.filter { $0 < second }.sorted()
            return done.compactMap { key in state.seconds.removeValue(forKey: key).map { (key, $0) } }
        }
    }
}
