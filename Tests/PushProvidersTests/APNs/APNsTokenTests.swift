import Crypto
import Foundation
import PushProviders
import PushStandIns
import Testing
import TidemarkTestSupport

@Suite("APNs provider token", .timeLimit(.minutes(3)))
struct APNsTokenTests {
    @Test("The factory signs a valid ES256 token and reuses it until it is 50 minutes old")
    func factoryReusesAndRefreshes() async throws {
        let clock = APNsTestClock()
        let key = P256.Signing.PrivateKey()
        let factory = APNsTokenFactory(keyID: "KEY1234567", teamID: "TEAM123456", privateKey: key, now: clock.function)

        let first = try await factory.token()
        let parts = try #require(CompactJWT.split(first))
        #expect(parts.header["alg"] as? String == "ES256")
        #expect(parts.header["kid"] as? String == "KEY1234567")
        #expect(parts.claims["iss"] as? String == "TEAM123456")
        #expect((parts.claims["iat"] as? NSNumber)?.intValue == Int(clock.now.timeIntervalSince1970))
        #expect(parts.signature.count == 64)
        let signature = try P256.Signing.ECDSASignature(rawRepresentation: parts.signature)
        #expect(key.publicKey.isValidSignature(signature, for: parts.signingInput))

        #expect(try await factory.token() == first)
        clock.advance(minutes: 19)
        #expect(try await factory.token() == first)
        clock.advance(minutes: 30)
        #expect(try await factory.token() == first, "49 minutes old is still reused")
        clock.advance(minutes: 2)
        let second = try await factory.token()
        #expect(second != first)

        // A forced refresh replaces only the token that was rejected, and moves `iat` forward.
        #expect(try await factory.refresh(replacing: first) == second)
        let issuedAt = try #require(await factory.issuedAt)
        let third = try await factory.refresh(replacing: second)
        #expect(third != second)
        #expect(try #require(await factory.issuedAt) > issuedAt)
    }

    @Test("Concurrent callers share one token")
    func concurrentCallersShareOneToken() async throws {
        let factory = APNsTokenFactory(
            keyID: "KEY1234567", teamID: "TEAM123456", privateKey: P256.Signing.PrivateKey(), now: { Date() }
        )
        let tokens = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<50 {
                group.addTask { try await factory.token() }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(tokens.count == 1)
    }

    @Test("Over the wire: reused for many sends, renewed after 50 minutes, never twice within 20")
    func tokenAgeRulesOverTheWire() async throws {
        try await APNsFixture.with { fixture in
            for number in 0..<20 {
                let message = fixture.message(token: APNsFixture.deviceToken(number))
                #expect(await fixture.provider.send(message) == .accepted(providerID: message.id.uuidString.lowercased()))
            }
            #expect(fixture.standIn.providerTokenIssuedAts.count == 1)

            fixture.clock.advance(minutes: 19)
            #expect(await fixture.provider.send(fixture.message()).label == "accepted")
            #expect(fixture.standIn.providerTokenIssuedAts.count == 1)

            fixture.clock.advance(minutes: 32)
            #expect(await fixture.provider.send(fixture.message()).label == "accepted")
            let issuedAts = fixture.standIn.providerTokenIssuedAts
            #expect(issuedAts.count == 2)
            #expect(issuedAts[1] - issuedAts[0] >= 50 * 60)

            for _ in 0..<3 {
                fixture.clock.advance(minutes: 6)
                #expect(await fixture.provider.send(fixture.message()).label == "accepted")
            }
            #expect(fixture.standIn.providerTokenIssuedAts.count == 2)
            let iats = Set(fixture.standIn.deliveries.map(\.providerTokenIssuedAt))
            #expect(iats.count == 2)
        }
    }

    @Test("TooManyProviderTokenUpdates throttles the channel until the refused token is 20 minutes old; no token is signed before")
    func tooManyProviderTokenUpdatesThrottles() async throws {
        try await APNsFixture.with { fixture in
            #expect(await fixture.provider.send(fixture.message()).label == "accepted")
            // Given a second provider with the same key (another instance, without a shared token store)
            fixture.clock.advance(minutes: 5)
            var configuration = fixture.provider.configuration
            configuration.trustRootsPEM = [fixture.standIn.certificatePEM]
            let eager = try APNsProvider(configuration: configuration)
            try await withCleanUp {
                // When it signs its own, newer token five minutes after the first one
                let outcome = await eager.send(fixture.message())

                // Then APNs refuses the update, and the channel is told to wait until that token is 20 minutes old
                #expect(outcome == .throttled(reason: "TooManyProviderTokenUpdates", after: .seconds(20 * 60)))
                #expect(fixture.standIn.providerTokenIssuedAts.count == 1)

                // When it sends again 10 minutes later: it keeps its token (APNs still refuses it) instead of signing another
                fixture.clock.advance(minutes: 10)
                #expect(await eager.send(fixture.message()) == .throttled(reason: "TooManyProviderTokenUpdates", after: .seconds(10 * 60)))
                let refusedIssuedAt = await eager.tokens.issuedAt
                #expect(refusedIssuedAt == Int(fixture.clock.now.timeIntervalSince1970) - 10 * 60)

                // When 20 minutes have passed since it signed: a new token, which APNs accepts
                fixture.clock.advance(minutes: 10)
                #expect(await eager.send(fixture.message()).label == "accepted")
                #expect(fixture.standIn.providerTokenIssuedAts.count == 2)
            } cleanUp: {
                try? await eager.shutdown()
            }
        }
    }
}
