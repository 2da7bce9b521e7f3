import EventStore

/// A transaction that has written the first event of a new stream and stays open until
/// ``release()``: appends to ``stream`` from outside it wait on that uncommitted event (on the
/// stream's unique index), which is how the coalescer tests hold a statement in flight.
struct OpenTransaction: Sendable {
    /// The stream whose first event the transaction holds.
    let stream: StreamName
    /// The task running the transaction; it commits once released.
    let holder: Task<Void, any Error>
    private let gate: AsyncStream<Void>.Continuation

    /// Opens the transaction on `store` and returns once its event is inserted.
    static func begin(on store: EventStore) async -> OpenTransaction {
        let stream = Fixtures.stream()
        let (inserted, insertedSignal) = AsyncStream<Void>.makeStream()
        let (gate, openGate) = AsyncStream<Void>.makeStream()
        let holder = Task {
            try await store.transaction { tx in
                try await tx.append(to: stream, expected: .noStream, events: [Fixtures.event()])
                insertedSignal.finish()
                for await _ in gate {}
            }
        }
        for await _ in inserted {}
        return OpenTransaction(stream: stream, holder: holder, gate: openGate)
    }

    /// Lets the transaction commit (idempotent).
    func release() { gate.finish() }

    /// Lets the transaction commit and waits until it has.
    func end() async throws {
        release()
        try await holder.value
    }
}
