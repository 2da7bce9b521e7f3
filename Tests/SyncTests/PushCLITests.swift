import Domain
import EventStore
import Foundation
import Outbox
import PostgresNIO
import PushProviders
import PushStandIns
import SyncServer
import Testing
import TidemarkTestSupport

/// `synccli push …` run as a real process against a real database.
@Suite("synccli push", .timeLimit(.minutes(3)))
struct PushCLITests {
    @Test("serve refuses a half-configured provider with exit 64, naming what is missing")
    func halfConfigured() async throws {
        let database = try await TestDatabase.create(prefix: "cli")
        try await withCleanUp {
            let serve = try await SyncCLI.run(
                ["serve", "--port", "0"], database: database.url.database,
                environment: [
                    "TIDEMARK_APNS_KEY_ID": "KEY1234567", "TIDEMARK_APNS_TEAM_ID": "TEAM123456",
                ])
            #expect(serve.status == 64, "\(serve.error)")
            #expect(serve.error.contains("APNs is half configured: set TIDEMARK_APNS_KEY_FILE, TIDEMARK_APNS_TOPIC too"), "\(serve.error)")
            let webhook = try await SyncCLI.run(
                ["serve", "--port", "0"], database: database.url.database,
                environment: [
                    "TIDEMARK_WEBHOOK_URL": "not a url", "TIDEMARK_WEBHOOK_SECRET": "0123456789abcdef0123",
                ])
            #expect(webhook.status == 64 && webhook.error.contains("TIDEMARK_WEBHOOK_URL must be an absolute http(s) URL"), "\(webhook.error)")
        } cleanUp: {
            try? await database.drop()
        }
    }

    /// Runs `synccli serve` on `database` with `extra` in its environment until it listens, sends
    /// SIGTERM, and returns how it ended and what it logged.
    static func serveUntilSigterm(
        database: String, environment extra: [String: String] = [:]
    ) async throws -> (reason: Process.TerminationReason, status: Int32, log: String) {
        let logURL = FileManager.default.temporaryDirectory.appendingPathComponent("serve-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: logURL.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: logURL) }
        let log = try FileHandle(forWritingTo: logURL)
        let process = Process()
        process.executableURL = try SyncCLI.binary()
        process.arguments = ["serve", "--port", "0", "--shutdown-grace", "10"]
        process.environment = try SyncCLI.environment(database: database, extra: extra)
        process.standardOutput = log
        process.standardError = log
        try process.run()
        defer {
            if process.isRunning {
                process.interrupt()
                kill(process.processIdentifier, SIGKILL)
            }
        }
        try await eventually("the server listens", timeout: .seconds(90)) {
            (try? String(contentsOf: logURL, encoding: .utf8))?.contains("listening") == true
        }
        process.terminate()
        try await eventually("the server exits after SIGTERM", timeout: .seconds(60)) { !process.isRunning }
        try log.close()
        return (process.terminationReason, process.terminationStatus, try String(contentsOf: logURL, encoding: .utf8))
    }

    @Test("serve stops on SIGTERM and exits 0; a --shutdown-grace outside 1-600 is refused with exit 64")
    func serveStopsOnSigterm() async throws {
        let database = try await TestDatabase.create(prefix: "cli", from: .server)
        try await withCleanUp {
            let bad = try await SyncCLI.run(["serve", "--port", "0", "--shutdown-grace", "0"], database: database.url.database)
            #expect(bad.status == 64 && bad.error.contains("--shutdown-grace must be 1-600 seconds"), "\(bad.error)")
            let served = try await Self.serveUntilSigterm(database: database.url.database)
            #expect(served.reason == .exit && served.status == 0, "\(served.log)")
        } cleanUp: {
            try? await database.drop()
        }
    }

    static let providerSets: [[ProviderStandIns.Channel]] = [[.apns], [.fcm], [.webpush], [.webhook], [.apns, .fcm, .webpush, .webhook]]

    @Test("serve with providers configured stops on SIGTERM, shuts every HTTP client down and exits 0", arguments: providerSets)
    func serveWithProvidersStopsOnSigterm(channels: [ProviderStandIns.Channel]) async throws {
        // Given stand-ins for the providers and a server configured to use them
        let standIns = try await ProviderStandIns.start(Set(channels))
        let database = try await TestDatabase.create(prefix: "cli", from: .server)
        try await withCleanUp {
            // When it runs until it listens and then gets SIGTERM
            let served = try await Self.serveUntilSigterm(database: database.url.database, environment: standIns.environment)

            // Then it logged the providers, stopped without a trap, and exited 0
            for channel in channels {
                #expect(served.log.contains(channel.rawValue), "\(served.log)")
            }
            #expect(!served.log.contains("Fatal error"), "\(served.log)")
            #expect(served.reason == .exit && served.status == 0, "\(served.reason) \(served.status): \(served.log)")
        } cleanUp: {
            try? await database.drop()
            await standIns.stop()
        }
    }

    @Test("serve refuses a half-configured provider after a complete one with exit 64, without a trap")
    func halfConfiguredAfterComplete() async throws {
        // Given a complete APNs configuration and a half-configured webhook
        let standIns = try await ProviderStandIns.start([.apns])
        let database = try await TestDatabase.create(prefix: "cli")
        try await withCleanUp {
            var environment = standIns.environment
            environment["TIDEMARK_WEBHOOK_SECRET"] = "0123456789abcdef0123"

            // When the server starts
            let serve = try await SyncCLI.run(["serve", "--port", "0"], database: database.url.database, environment: environment)

            // Then it names what is missing and exits 64; the APNs client made first is closed, not trapped on
            #expect(serve.status == 64, "\(serve.status): \(serve.error)")
            #expect(serve.error.contains("the webhook is half configured: set TIDEMARK_WEBHOOK_URL too"), "\(serve.error)")
            #expect(!serve.error.contains("Fatal error"), "\(serve.error)")
        } cleanUp: {
            try? await database.drop()
            await standIns.stop()
        }
    }

    @Test("on a database that was never migrated, the push verbs say to migrate")
    func unmigrated() async throws {
        let database = try await TestDatabase.create(prefix: "cli")
        try await withCleanUp {
            let status = try await SyncCLI.run(["push", "status"], database: database.url.database)
            #expect(status.status == 1 && status.error.contains("run `synccli migrate`"), "\(status.error)")
        } cleanUp: {
            try? await database.drop()
        }
    }

    @Test("status reports the outbox per channel, retry --dead requeues, resume ends a pause; bad usage exits 64 with a clear message")
    func pushVerbs() async throws {
        try await PushWorld.with { world in
            let ana = try await world.user("ana")
            let device = try await world.device(for: ana)
            world.standIn.script(token: device.token, .reject(.internalServerError))
            try await world.notify([ana])
            _ = try await world.waitForDeliveries(1)
            try await world.drain([world.dispatcher("one") { $0.maxAttempts = 1 }])
            try await world.outbox.pause(channel: "apns", reason: "InvalidProviderToken", probe: .seconds(600))
            let database = world.h.server.database.url.database

            let status = try await SyncCLI.run(["push", "status", "--json"], database: database)
            #expect(status.status == 0, "\(status.error)")
            let report = try JSONDecoder.iso8601.decode(PushStatusReport.self, from: Data(status.output.utf8))
            #expect(report.channels.count == 1)
            #expect(report.channels.first?.dead == 1 && report.channels.first?.paused?.pausedReason == "InvalidProviderToken")
            let text = try await SyncCLI.run(["push", "status"], database: database)
            #expect(text.output.contains("PAUSED apns: InvalidProviderToken"), "\(text.output)")

            let retried = try await SyncCLI.run(["push", "retry", "--dead", "--channel", "apns"], database: database)
            #expect(retried.status == 0 && retried.output.contains("requeued 1 dead delivery"), "\(retried.output)\(retried.error)")
            #expect(try await world.deliveries().first?.status == "queued")
            let resumed = try await SyncCLI.run(["push", "resume", "apns"], database: database)
            #expect(resumed.output.contains("apns resumed"))
            #expect(try await SyncCLI.run(["push", "resume", "apns"], database: database).output.contains("apns was not paused"))

            // Prune: only finished rows older than the age go; too young an age is refused.
            #expect(try await world.deliveries().first?.status == "queued")
            _ = try await world.h.store.client.query(
                "UPDATE push_deliveries SET status = 'sent', updated_at = now() - interval '10 days'", logger: world.h.logger)
            let tooYoung = try await SyncCLI.run(["push", "prune", "--older-than", "1d"], database: database)
            #expect(tooYoung.status == 64 && tooYoung.error.contains("at least 4d"), "\(tooYoung.error)")
            let pruned = try await SyncCLI.run(["push", "prune", "--older-than", "7d", "--json"], database: database)
            #expect(pruned.status == 0 && pruned.output.contains(#"{"deleted":1}"#), "\(pruned.output)\(pruned.error)")
            #expect(try await world.deliveries().isEmpty)

            let noKind = try await SyncCLI.run(["push", "retry"], database: database)
            #expect(noKind.status == 64 && noKind.error.contains("say what to retry: --dead"), "\(noKind.error)")
            let badChannel = try await SyncCLI.run(["push", "resume", "pigeon"], database: database)
            #expect(badChannel.status == 64 && badChannel.error.contains("apns, fcm, webpush, webhook"))
        }
    }
}

extension JSONDecoder {
    /// A decoder for the CLI's `--json` dates.
    static var iso8601: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
