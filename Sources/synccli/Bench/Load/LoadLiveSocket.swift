import Foundation
import Logging
import Synchronization
import WSClient

/// One simulated device's live WebSocket (`/v1/sync/live?access_token=…`), and the live probes
/// other devices of its user aim at it.
///
/// A probe is a push by the user's other device: it starts when that push is sent and ends with the
/// first poke this socket receives after it; its latency is from the push's answer to the poke (0
/// when the poke came first). A probe is only taken while this socket is greeted and its own device
/// has not sent a push in the last second (``ownPushGuard``), and is dropped when its own device pushes meanwhile or
/// the socket closes, so a poke caused by the device's own writes is never counted. A probe whose
/// push applied events and that sees no poke within 10 seconds of the answer is a miss (an error).
final class LoadLiveSocket: Sendable {
    private struct Probe {
        let id: Int
        let sent: ContinuousClock.Instant
        var acknowledged: ContinuousClock.Instant?
        var poked: ContinuousClock.Instant?
    }

    private struct State {
        var task: Task<Void, Never>?
        var generation = 0
        var greeted = false
        var open = false
        var lastOwnPush: ContinuousClock.Instant?
        var probes: [Probe] = []
        var nextProbe = 0
    }

    /// How long after its own device's push a socket takes no probe: a poke in that time may be
    /// the device's own.
    static let ownPushGuard = Duration.seconds(1)

    /// How long after the answer a poke may come before the probe is a miss.
    static let missAfter = Duration.seconds(10)

    private let state = Mutex(State())
    private let recorder: LoadRecorder
    private let logger: Logger

    /// A socket that reports to `recorder`; not connected yet.
    init(recorder: LoadRecorder, logger: Logger) {
        self.recorder = recorder
        self.logger = logger
    }

    /// Whether the server has greeted the current connection and it has not ended.
    var isConnected: Bool { state.withLock { $0.greeted } }

    /// Whether a connection is open or being opened (it has not ended, nor been closed).
    var isOpen: Bool { state.withLock { $0.open } }

    /// Opens a new connection to `url` (closing none: call ``close()`` first); the upgrade counts as
    /// a `connect` request when the hello arrives, an error when it fails or the socket drops.
    func connect(url: String) {
        let generation = state.withLock { state in
            state.generation += 1
            state.greeted = false
            state.open = true
            state.probes.removeAll()
            return state.generation
        }
        let started = ContinuousClock.now
        let task = Task { [logger] in
            var failure = "closed by the server"
            do {
                _ = try await WebSocketClient.connect(url: url, configuration: .init(), logger: logger) { inbound, _, _ in
                    for try await message in inbound.messages(maxSize: 1 << 16) {
                        guard case .text(let text) = message else { continue }
                        if text.contains("hello") {
                            self.greeted(generation: generation, started: started)
                        } else if text.contains("poke") {
                            self.poked(generation: generation)
                        }
                    }
                }
            } catch {
                failure = String(describing: error)
            }
            self.ended(generation: generation, cancelled: Task.isCancelled, failure: failure, started: started)
        }
        state.withLock { $0.task = task }
    }

    /// Closes the connection (if any) and waits until it has ended; pending probes are dropped.
    func close() async {
        let task = state.withLock { state in
            defer {
                state.task = nil
                state.generation += 1
                state.greeted = false
                state.open = false
                state.probes.removeAll()
            }
            return state.task
        }
        task?.cancel()
        await task?.value
    }

    /// Notes that this socket's own device sent a push at `instant`: pending probes are dropped.
    func ownPushSent(at instant: ContinuousClock.Instant) {
        state.withLock { state in
            state.lastOwnPush = instant
            state.probes.removeAll { $0.poked == nil }
        }
    }

    /// Starts a probe for a push of the other device sent at `sent`, or `nil` when none can be taken.
    func beginProbe(sent: ContinuousClock.Instant) -> Int? {
        state.withLock { state in
            guard state.greeted else { return nil }
            if let own = state.lastOwnPush, sent - own < Self.ownPushGuard { return nil }
            state.nextProbe += 1
            state.probes.append(Probe(id: state.nextProbe, sent: sent))
            return state.nextProbe
        }
    }

    /// Ends the push side of probe `id`: answered at `instant`; `applied` tells whether it appended
    /// events (a push that changed nothing pokes nobody, and is not a sample). `nil` drops the probe.
    func acknowledge(probe id: Int?, at instant: ContinuousClock.Instant?, applied: Bool) {
        guard let id else { return }
        let sample: Duration? = state.withLock { state in
            guard let index = state.probes.firstIndex(where: { $0.id == id }) else { return nil }
            guard let instant, applied else {
                state.probes.remove(at: index)
                return nil
            }
            state.probes[index].acknowledged = instant
            guard let poked = state.probes[index].poked else { return nil }
            state.probes.remove(at: index)
            return max(.zero, poked - instant)
        }
        if let sample { recorder.record(.live, latency: sample, error: false) }
    }

    /// Counts as misses the probes answered more than ``missAfter`` ago without a poke.
    func expireProbes(now: ContinuousClock.Instant = .now) {
        let missed = state.withLock { state in
            let late = state.probes.filter { probe in probe.poked == nil && probe.acknowledged.map { now - $0 > Self.missAfter } == true }
            state.probes.removeAll { probe in late.contains { $0.id == probe.id } }
            return late.count
        }
        for _ in 0..<missed { recorder.record(.live, latency: nil, error: true, problem: "no poke within \(Self.missAfter) of a push's answer") }
    }

    private func greeted(generation: Int, started: ContinuousClock.Instant) {
        let current = state.withLock { state in
            guard state.generation == generation else { return false }
            state.greeted = true
            return true
        }
        if current { recorder.record(.connect, latency: .now - started, error: false) }
    }

    private func poked(generation: Int) {
        let now = ContinuousClock.now
        let samples: [Duration] = state.withLock { state in
            guard state.generation == generation else { return [] }
            var samples: [Duration] = []
            for index in state.probes.indices where state.probes[index].poked == nil && state.probes[index].sent <= now {
                state.probes[index].poked = now
                if let acknowledged = state.probes[index].acknowledged { samples.append(max(.zero, now - acknowledged)) }
            }
            state.probes.removeAll { $0.poked != nil && $0.acknowledged != nil }
            return samples
        }
        for sample in samples { recorder.record(.live, latency: sample, error: false, at: now) }
    }

    private func ended(generation: Int, cancelled: Bool, failure: String, started: ContinuousClock.Instant) {
        let (current, wasGreeted) = state.withLock { state in
            guard state.generation == generation else { return (false, false) }
            defer {
                state.greeted = false
                state.open = false
                state.probes.removeAll()
            }
            return (true, state.greeted)
        }
        guard current, !cancelled else { return }
        let problem = wasGreeted ? "the socket dropped: \(failure)" : "the upgrade failed: \(failure)"
        recorder.record(.connect, latency: nil, error: true, problem: problem)
    }
}
