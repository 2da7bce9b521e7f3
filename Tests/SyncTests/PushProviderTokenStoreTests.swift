import Foundation
import Outbox
import PushProviders
import SyncServer
import Testing
import TidemarkTestSupport

/// `push_channels` as the providers' token store: compare-and-set, next to the pause state.
@Suite("Provider tokens in push_channels", .timeLimit(.minutes(3)))
struct PushProviderTokenStoreTests {
    @Test("a token is stored only over the one the caller read; the pause state stays as it was and never shows the token")
    func compareAndSet() async throws {
        try await PushWorld.with { world in
            let outbox = world.outbox
            let first = StoredProviderToken(token: "token-a", key: "TEAM.KEY.abc", issuedAt: 1_800_000_000)
            let second = StoredProviderToken(token: "token-b", key: "TEAM.KEY.abc", issuedAt: 1_800_000_600)

            // Given an empty store, when one instance stores its token
            #expect(try await outbox.providerToken(channel: "apns") == nil)
            #expect(try await outbox.replaceProviderToken(nil, with: first, channel: "apns") == first)

            // Then another that read the empty store too keeps the first one's token
            #expect(try await outbox.replaceProviderToken(nil, with: second, channel: "apns") == first)
            #expect(try await outbox.providerToken(channel: "apns") == first)

            // When the channel pauses, and a token replaces the stored one
            try await outbox.pause(channel: "apns", reason: "TooManyProviderTokenUpdates", probe: .seconds(600), doubling: false)
            #expect(try await outbox.replaceProviderToken(first, with: second, channel: "apns") == second)

            // Then the pause is untouched, and neither the channel state nor the status report carries the token
            let state = try #require(try await world.channelState())
            #expect(state.isPaused && state.pausedReason == "TooManyProviderTokenUpdates")
            #expect(try await outbox.providerToken(channel: "apns") == second)
            let report = String(decoding: try JSONEncoder().encode(try await outbox.status()), as: UTF8.self)
            #expect(!report.contains("token-b"), "\(report)")
            #expect(try await outbox.providerToken(channel: "fcm") == nil)
        }
    }
}
