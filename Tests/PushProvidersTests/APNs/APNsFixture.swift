import Crypto
import Foundation
import NIOCore
import PushProviders
import PushStandIns
import TidemarkTestSupport

/// A started stand-in and a provider pointed at it, over real HTTP/2 and TLS on loopback.
struct APNsFixture {
    static let topic = "com.tidemark.app"
    static let teamID = "TEAM123456"
    static let keyID = "KEY1234567"

    let clock: APNsTestClock
    let standIn: APNsStandIn
    let provider: APNsProvider

    /// Starts a stand-in and a provider; `standInClock` defaults to the provider's clock.
    static func start(
        requestTimeout: Duration = .seconds(30),
        issuesUniqueIDs: Bool = false,
        clock: APNsTestClock = APNsTestClock(),
        standInClock: APNsTestClock? = nil,
        productionURL: String? = nil,
        standInEventLoopGroup: (any EventLoopGroup)? = nil
    ) async throws -> APNsFixture {
        let key = P256.Signing.PrivateKey()
        let topics: Set<String> = [topic, topic + ".voip"]
        let standInNow = (standInClock ?? clock).function
        let standIn =
            if let standInEventLoopGroup {
                try APNsStandIn(
                    teamID: teamID, keyID: keyID, publicKey: key.publicKey, topics: topics,
                    issuesUniqueIDs: issuesUniqueIDs, eventLoopGroup: standInEventLoopGroup, now: standInNow
                )
            } else {
                try APNsStandIn(
                    teamID: teamID, keyID: keyID, publicKey: key.publicKey, topics: topics,
                    issuesUniqueIDs: issuesUniqueIDs, now: standInNow
                )
            }
        try await standIn.start()
        let configuration = try APNsConfiguration(
            keyID: keyID, teamID: teamID, privateKeyPEM: key.pemRepresentation, defaultTopic: topic,
            productionURL: productionURL ?? standIn.baseURL, sandboxURL: standIn.baseURL,
            requestTimeout: requestTimeout, trustRootsPEM: [standIn.certificatePEM],
            now: clock.function
        )
        let provider = try APNsProvider(configuration: configuration)
        return APNsFixture(clock: clock, standIn: standIn, provider: provider)
    }

    /// Runs `body` with a fresh fixture and always tears it down.
    static func with(
        requestTimeout: Duration = .seconds(30),
        issuesUniqueIDs: Bool = false,
        standInClock: APNsTestClock? = nil,
        productionURL: String? = nil,
        standInEventLoopGroup: (any EventLoopGroup)? = nil,
        _ body: (APNsFixture) async throws -> Void
    ) async throws {
        let fixture = try await start(
            requestTimeout: requestTimeout, issuesUniqueIDs: issuesUniqueIDs,
            standInClock: standInClock, productionURL: productionURL, standInEventLoopGroup: standInEventLoopGroup
        )
        try await withCleanUp {
            try await body(fixture)
        } cleanUp: {
            await fixture.stop()
        }
    }

    func stop() async {
        try? await provider.shutdown()
        await standIn.stop()
    }

    /// A 64-hex-digit device token, distinct per `number`.
    static func deviceToken(_ number: Int) -> String {
        let hex = String(number, radix: 16)
        return String(repeating: "a", count: 64 - hex.count) + hex
    }

    /// A message to `token` that expires a day after the fixture clock's now.
    func message(
        token: String = APNsFixture.deviceToken(1), environment: PushEnvironment = .production,
        topic: String? = nil, title: String = "Hello", body: String = "World",
        data: [String: String] = [:], collapseKey: String? = nil, priority: PushPriority = .high,
        badge: Int? = nil, threadID: String? = nil
    ) -> PushMessage {
        PushMessage(
            id: UUID(), token: token, environment: environment, topic: topic, title: title, body: body,
            data: data, collapseKey: collapseKey, priority: priority,
            expiresAt: clock.now.addingTimeInterval(86_400), badge: badge, threadID: threadID
        )
    }
}
