import EventStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SyncServer
import Testing
import TidemarkTestSupport

@Suite("Server health over real HTTP")
struct HealthTests {
    @Test("a freshly initialised database is migrated at start and the health endpoints answer")
    func healthOnFreshDatabase() async throws {
        let database = try await TestDatabase.create()
        var logger = Logger(label: "test-server")
        logger.logLevel = .warning
        let app = try buildApplication(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0, databaseURL: database.url, maximumConnections: 4),
            logger: logger
        )
        do {
            try await app.test(.live) { client in
                try await client.execute(uri: "/health", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body).contains("\"ok\""))
                }
                try await client.execute(uri: "/v1/health", method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body).contains("\"safePosition\":0"))
                }
                try await client.execute(uri: "/no/such/route", method: .get) { response in
                    #expect(response.status == .notFound)
                    #expect(response.headers[.contentType] == "application/problem+json")
                    #expect(String(buffer: response.body).contains("\"code\":\"not_found\""))
                }
            }
            try await database.drop()
        } catch {
            try? await database.drop()
            throw error
        }
    }
}
