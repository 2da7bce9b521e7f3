import Commands
import Domain
import EventStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresNIO
import SyncServer
import Testing
import TidemarkTestSupport

@Suite("Problem answers")
struct ProblemMiddlewareTests {
    @Test("every domain refusal code maps to the command code of the same wire name, and back to a 4xx status")
    func domainCodesMap() {
        // Given every domain code.
        for code in DomainError.Code.all {
            // When it is looked up in the one table.
            let command = CommandError.Code.byDomainCode[code]
            // Then it has an entry with the same wire name and a 4xx status.
            #expect(command?.rawValue == code.rawValue, "\(code) has no command code of the same name")
            #expect((400..<500).contains(command?.status ?? 0), "\(code)")
            #expect(CommandError.Code(code).rawValue == code.rawValue)
        }
        #expect(Set(DomainError.Code.all).count == DomainError.Code.all.count)
        #expect(CommandError.Code.byDomainCode.count == DomainError.Code.all.count)
    }

    @Test(
        "a failure inside withTransaction is answered by its cause: a lost connection 503 unavailable with Retry-After, a refused value 400 invalid, a refusal with its own code"
    )
    func transactionFailures() async throws {
        // Given a server whose routes fail inside transactions on a real database.
        let database = try await TestDatabase.create()
        let logger = {
            var logger = Logger(label: "problem-test")
            logger.logLevel = .critical
            return logger
        }()
        let client = PostgresClient(
            configuration: database.url.clientConfiguration(maximumConnections: 2, applicationName: "problem-test"), backgroundLogger: logger)
        let router = Router()
        router.add(middleware: ProblemMiddleware(logger: logger))
        router.get("/connection-lost") { _, _ -> String in
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_terminate_backend(pg_backend_pid())", logger: logger)
            }
            return "unreachable"
        }
        router.get("/refused-value") { _, _ -> String in
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT 1 / \(0)", logger: logger)
            }
            return "unreachable"
        }
        router.get("/refused-inside") { _, _ -> String in
            try await client.withTransaction(logger: logger) { _ in
                throw AuthError(.forbidden, "not yours")
            }
        }
        // The database is not migrated: the event store's read fails in the database.
        let store = EventStore(client: client, logger: logger)
        router.get("/store-down") { _, _ -> String in
            _ = try await store.readAll(stream: try StreamName("todo-\(UUID().uuidString.lowercased())"))
            return "unreachable"
        }
        var app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        app.addServices(client)
        try await withCleanUp {
            try await app.test(.live) { http in
                // When each route is called, then each answer is a problem with the cause's code and status.
                try await http.execute(uri: "/connection-lost", method: .get) { response in
                    #expect(response.status == .serviceUnavailable)
                    #expect(response.headers[.retryAfter] == "1")
                    #expect(response.headers[.contentType] == "application/problem+json")
                    #expect(String(buffer: response.body).contains("\"code\":\"unavailable\""))
                    #expect(!String(buffer: response.body).contains("terminating"), "no database text in the answer")
                }
                try await http.execute(uri: "/refused-value", method: .get) { response in
                    #expect(response.status == .badRequest)
                    #expect(String(buffer: response.body).contains("\"code\":\"invalid\""))
                }
                try await http.execute(uri: "/refused-inside", method: .get) { response in
                    #expect(response.status == .forbidden)
                    #expect(String(buffer: response.body).contains("\"code\":\"forbidden\""))
                }
                try await http.execute(uri: "/store-down", method: .get) { response in
                    #expect(response.status == .serviceUnavailable)
                    #expect(response.headers[.retryAfter] == "1")
                    #expect(String(buffer: response.body).contains("\"code\":\"unavailable\""))
                }
            }
        } cleanUp: {
            try? await database.drop()
        }
    }
}
