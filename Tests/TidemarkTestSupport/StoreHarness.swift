import EventStore
import Foundation
import Logging
import PostgresNIO

/// Runs `body` with an ``EventStore`` on a fresh database copied from `template` (the event
/// store's migrations by default), with the client and the store's services running; stops them
/// and drops the database afterwards.
public func withFreshStore<Result: Sendable>(
    configuration: EventStoreConfiguration = EventStoreConfiguration(),
    template: DatabaseTemplate = .eventStore,
    maximumConnections: Int = 40,
    applicationName: String = "tidemark-test",
    _ body: @Sendable (EventStore, TestDatabase) async throws -> Result
) async throws -> Result {
    let database = try await TestDatabase.create(from: template)
    do {
        let result = try await withStore(
            url: database.url, configuration: configuration, maximumConnections: maximumConnections,
            applicationName: applicationName
        ) { store in
            try await body(store, database)
        }
        try await database.drop()
        return result
    } catch {
        try? await database.drop()
        throw error
    }
}

/// Runs `body` with an ``EventStore`` on `url` while its client and services run.
public func withStore<Result: Sendable>(
    url: DatabaseURL,
    configuration: EventStoreConfiguration = EventStoreConfiguration(),
    maximumConnections: Int = 40,
    applicationName: String = "tidemark-test",
    _ body: @Sendable (EventStore) async throws -> Result
) async throws -> Result {
    var logger = Logger(label: "tidemark-test")
    logger.logLevel = .warning
    return try await EventStore.withRunning(
        url: url, configuration: configuration, maximumConnections: maximumConnections,
        applicationName: applicationName, logger: logger, body
    )
}
