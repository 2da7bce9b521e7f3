import PostgresNIO

/// An open transaction of the event store: appends and other statements on ``connection`` commit together.
public struct EventStoreTransaction: Sendable {
    /// The connection in transaction mode. Run extra statements on it; do not commit or roll back yourself.
    public let connection: PostgresConnection
    let store: EventStore

    /// Appends events to one stream inside this transaction.
    ///
    /// - Throws: ``EventStoreError``; after a version conflict or a duplicate id the transaction is
    ///   aborted and must end: let the error leave the transaction's closure.
    @discardableResult
    public func append(to stream: StreamName, expected: ExpectedVersion, events: [EventData]) async throws -> AppendResult {
        let batch = try PreparedBatch(events, stream: stream, configuration: store.configuration)
        return try await append(prepared: batch, to: stream, expected: expected)
    }

    func append(prepared batch: PreparedBatch, to stream: StreamName, expected: ExpectedVersion) async throws -> AppendResult {
        let outcome = try await AppendStatement.run(
            client: store.client, connection: connection, stream: stream, expected: expected, batch: batch, logger: store.logger
        )
        switch outcome {
        case .written(let result):
            return result
        case .expectationFailed:
            if try await AppendStatement.headIsYounger(stream: stream, connection: connection, logger: store.logger) {
                throw AppendRace(stream: stream, expected: expected, eventIDTaken: false, youngerWriter: true)
            }
            throw AppendRace(stream: stream, expected: expected, eventIDTaken: false)
        case .uniqueViolation(let eventIDTaken):
            throw AppendRace(stream: stream, expected: expected, eventIDTaken: eventIDTaken)
        }
    }
}
