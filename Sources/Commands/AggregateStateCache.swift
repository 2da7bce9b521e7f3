import EventStore
import Synchronization

/// The most recently used aggregate states of this instance, each with the stream version it was
/// folded at, so that loading a long stream again reads only the events after that version.
///
/// Only a hint: an entry is the fold of a stream's first `version` events, which never change (the
/// log is append-only), so folding the events after it gives the same state as a full replay. The
/// append still expects the version the command read; on a conflict the command service drops the
/// entry. Entries are made only from recorded events read back from the store, never from events
/// decided in memory, so a cached state is exactly what a replay would give.
///
/// States of streams that hold sealed personal data (a user's, a todo marked personal) are never
/// cached (`CommandService.resumeState`): they hold opened plaintext, which must be gone the moment
/// the owner's key is destroyed.
///
/// Bounded by count; the least recently used entry goes first. Shared mutable state behind a
/// `Mutex`: every access is a few dictionary operations, with no suspension point.
package final class AggregateStateCache: Sendable {
    /// A cached state: the fold of the stream's events up to and including `version`.
    package struct Entry: Sendable {
        /// The aggregate's state (its `State` type).
        package let state: any Sendable
        /// The stream version the state was folded at.
        package let version: Int64

        /// An entry of `state`, folded at `version`.
        package init(state: any Sendable, version: Int64) {
            self.state = state
            self.version = version
        }
    }

    private struct Slot {
        var entry: Entry
        var stamp: UInt64
    }

    private struct State {
        var slots: [StreamName: Slot] = [:]
        /// Which stream was used at each stamp; stamps only grow, so the oldest live one is found
        /// by walking up from `oldest`.
        var order: [UInt64: StreamName] = [:]
        var clock: UInt64 = 0
        var oldest: UInt64 = 0

        mutating func touch(_ stream: StreamName, _ slot: inout Slot) {
            order[slot.stamp] = nil
            clock += 1
            slot.stamp = clock
            order[clock] = stream
        }
    }

    private let state = Mutex(State())
    /// The most entries kept (0: the cache is off).
    package let capacity: Int

    /// Creates a cache of at most `capacity` states (0 turns it off).
    package init(capacity: Int) {
        self.capacity = max(0, capacity)
    }

    /// The number of cached states.
    package var count: Int {
        state.withLock { $0.slots.count }
    }

    /// The cached state of `stream`, if any (and marks it used).
    package func entry(for stream: StreamName) -> Entry? {
        guard capacity > 0 else { return nil }
        return state.withLock { state -> Entry? in
            guard var slot = state.slots[stream] else { return nil }
            state.touch(stream, &slot)
            state.slots[stream] = slot
            return slot.entry
        }
    }

    /// Caches `entry` for `stream` unless a newer one is cached already, evicting the least
    /// recently used entries beyond ``capacity``.
    package func store(_ entry: Entry, for stream: StreamName) {
        guard capacity > 0 else { return }
        state.withLock { state in
            var slot = state.slots[stream] ?? Slot(entry: entry, stamp: 0)
            if slot.entry.version <= entry.version { slot.entry = entry }
            state.touch(stream, &slot)
            state.slots[stream] = slot
            while state.slots.count > capacity, state.oldest < state.clock {
                if let stale = state.order.removeValue(forKey: state.oldest) { state.slots[stale] = nil }
                state.oldest += 1
            }
        }
    }

    /// Forgets the state of `stream` (after a conflict, or an append whose outcome is unknown).
    package func remove(_ stream: StreamName) {
        state.withLock { state in
            guard let slot = state.slots.removeValue(forKey: stream) else { return }
            state.order[slot.stamp] = nil
        }
    }
}
