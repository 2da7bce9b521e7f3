import Foundation
import Synchronization

/// Sessions this server instance found live in the last moment, so that a busy device's requests
/// do not each read `auth_sessions`. A revocation made through this instance removes its entry at
/// once; one made through another instance takes effect here within ``ttl``.
final class SessionCache: Sendable {
    private let entries = Mutex<[UUID: ContinuousClock.Instant]>([:])
    /// How long a positive check is trusted.
    let ttl: Duration
    /// The most entries kept (older ones are dropped when full).
    let capacity: Int

    init(ttl: Duration, capacity: Int = 100_000) {
        self.ttl = ttl
        self.capacity = capacity
    }

    /// Whether `session` was found live less than ``ttl`` ago.
    func isLive(_ session: UUID) -> Bool {
        guard ttl > .zero else { return false }
        let now = ContinuousClock.now
        return entries.withLock { entries in
            guard let checked = entries[session] else { return false }
            if now - checked < ttl { return true }
            entries[session] = nil
            return false
        }
    }

    /// Remembers that `session` is live now.
    func remember(_ session: UUID) {
        guard ttl > .zero else { return }
        let now = ContinuousClock.now
        entries.withLock { entries in
            if entries.count >= capacity {
                entries = entries.filter { now - $0.value < ttl }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[session] = now
        }
    }

    /// Forgets `session` (it was revoked).
    func forget(_ session: UUID) {
        _ = entries.withLock { $0.removeValue(forKey: session) }
    }
}
