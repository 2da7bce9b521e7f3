import Basics
import Logging
import PostgresNIO

/// The whole log as an `AsyncSequence`: catches up from a position, then follows new commits.
///
/// The sequence is pull-based: it reads one page only when the consumer has taken the previous
/// one, so a slow consumer never makes the server buffer without bound. It is woken by LISTEN/NOTIFY
/// (when the store's ``EventStore/services`` run) and polls as a fallback. Connection failures are
/// retried with back-off from the last delivered event, so nothing is lost or repeated; persist
/// ``RecordedEvent/logPosition`` as a checkpoint and subscribe from it to resume after a restart.
public struct EventSubscription: AsyncSequence, Sendable {
    /// Each element is one event, in `(transactionID, position)` order.
    public typealias Element = RecordedEvent

    let store: EventStore
    let start: LogPosition
    let filter: LogFilter
    let pageSize: Int
    let pollInterval: Duration
    let maxConsecutiveFailures: Int

    /// Creates the iterator.
    public func makeAsyncIterator() -> Iterator {
        Iterator(subscription: self, cursor: start)
    }

    /// Reads pages on demand.
    public struct Iterator: AsyncIteratorProtocol {
        let subscription: EventSubscription
        var cursor: LogPosition
        var buffer: [RecordedEvent] = []
        var index = 0

        /// The position of the last delivered event: a checkpoint to resume from.
        public var position: LogPosition { cursor }

        /// Events read from the database but not yet delivered (at most one page).
        public var bufferedCount: Int { buffer.count - index }

        /// The wait after a failed read: 100 ms, doubling up to 2 s.
        static let backoff = Backoff(base: .milliseconds(100), cap: .seconds(2))

        static func read(_ subscription: EventSubscription, after cursor: LogPosition) async -> Result<LogPage, EventStoreError> {
            let outcome = await Deadline.run(timeout: subscription.store.configuration.readTimeout) {
                () async -> Result<LogPage, EventStoreError> in
                do {
                    return .success(try await subscription.store.readAll(after: cursor, limit: subscription.pageSize, filter: subscription.filter))
                } catch let error as EventStoreError {
                    return .failure(error)
                } catch {
                    return .failure(EventStoreError.database(error, while: "reading the log"))
                }
            }
            return outcome ?? .failure(EventStoreError(.database, "reading the log took longer than \(subscription.store.configuration.readTimeout); retrying"))
        }

        /// The next event; waits for one when caught up. Returns `nil` when the task is cancelled.
        /// - Throws: ``EventStoreError`` after too many consecutive database failures.
        public mutating func next() async throws -> RecordedEvent? {
            var failures = 0
            while true {
                if index < buffer.count {
                    let event = buffer[index]
                    index += 1
                    cursor = event.logPosition
                    return event
                }
                if Task.isCancelled { return nil }
                let seen = await subscription.store.listener.currentGeneration()
                let result = await Self.read(subscription, after: cursor)
                switch result {
                case .success(let page):
                    failures = 0
                    if page.events.isEmpty {
                        await subscription.store.listener.wait(after: seen, timeout: subscription.pollInterval)
                    } else {
                        buffer = page.events
                        index = 0
                    }
                case .failure(let error):
                    guard error.code == .database else { throw error }
                    failures += 1
                    if failures > subscription.maxConsecutiveFailures { throw error }
                    subscription.store.logger.warning(
                        "subscription read failed; retrying",
                        metadata: [
                            "subscription.position": "\(cursor)",
                            "subscription.failures": "\(failures)",
                            "error": "\(error)",
                        ])
                    do { try await Task.sleep(for: Self.backoff.delay(retry: failures - 1)) } catch { return nil }
                }
            }
        }
    }
}

extension EventStore {
    /// Subscribes to the whole log after a position.
    ///
    /// - Parameters:
    ///   - position: Deliver events after this one (a stored checkpoint, or ``LogPosition/start``).
    ///   - filter: Restrict by tenant, category or event type.
    ///   - pageSize: Events read per round trip (the most held in memory at once).
    ///   - maxConsecutiveFailures: Database failures in a row before the sequence throws.
    public func subscribe(
        after position: LogPosition = .start,
        filter: LogFilter = .all,
        pageSize: Int = 500,
        maxConsecutiveFailures: Int = 50
    ) -> EventSubscription {
        EventSubscription(
            store: self,
            start: position,
            filter: filter,
            pageSize: max(1, min(pageSize, configuration.maxPageSize)),
            pollInterval: configuration.pollInterval,
            maxConsecutiveFailures: maxConsecutiveFailures
        )
    }
}
