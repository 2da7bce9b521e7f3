import Commands
import Crypto
import Domain
import EventStore
import Foundation
import Logging
import Outbox
import PostgresNIO
import PushProviders
import PushStandIns
import SyncServer
import TidemarkTestSupport

/// A sync harness plus a local APNs stand-in over HTTP/2 and TLS, a real `APNsProvider` pointed at
/// it, and helpers to register devices, send notifications and read the outbox.
final class PushWorld: Sendable {
    static let topic = "com.example.app"
    let h: SyncHarness
    let standIn: APNsStandIn
    let provider: APNsProvider
    let tenant: TenantID
    /// The APNs signing key the stand-in trusts.
    let key: P256.Signing.PrivateKey
    /// The clock of the stand-in and the providers.
    let now: @Sendable () -> Date

    private init(
        h: SyncHarness, standIn: APNsStandIn, provider: APNsProvider, tenant: TenantID, key: P256.Signing.PrivateKey, now: @escaping @Sendable () -> Date
    ) {
        self.h = h
        self.standIn = standIn
        self.provider = provider
        self.tenant = tenant
        self.key = key
        self.now = now
    }

    /// Starts a stand-in and a provider; the server runs the outbox projection but (unless
    /// `configure` adds providers) no dispatcher, so tests drive dispatchers themselves.
    /// `now` is the clock of the stand-in and the providers (the provider-token rules); the
    /// database keeps its own.
    static func with(
        now: @escaping @Sendable () -> Date = { Date() },
        configure: @escaping @Sendable (inout ServerConfiguration, APNsProvider) -> Void = { _, _ in },
        _ body: (PushWorld) async throws -> Void
    ) async throws {
        let key = P256.Signing.PrivateKey()
        let standIn = try APNsStandIn(teamID: "TEAM123456", keyID: "KEY1234567", publicKey: key.publicKey, topics: [topic], now: now)
        try await standIn.start()
        let provider = try makeProvider(key: key, standIn: standIn, now: now)
        try await withCleanUp {
            try await SyncHarness.with(configure: { configure(&$0, provider) }) { h in
                let tenant = try await h.createTenant(code: "acme")
                try await body(PushWorld(h: h, standIn: standIn, provider: provider, tenant: tenant, key: key, now: now))
            }
        } cleanUp: {
            try? await provider.shutdown()
            await standIn.stop()
        }
    }

    /// An APNs provider with the world's key, pointed at the stand-in.
    private static func makeProvider(key: P256.Signing.PrivateKey, standIn: APNsStandIn, now: @escaping @Sendable () -> Date) throws -> APNsProvider {
        try APNsProvider(
            configuration: APNsConfiguration(
                keyID: "KEY1234567", teamID: "TEAM123456", privateKey: key, defaultTopic: topic,
                productionURL: standIn.baseURL, sandboxURL: standIn.baseURL, requestTimeout: .seconds(30),
                trustRootsPEM: [standIn.certificatePEM], now: now))
    }

    /// Another APNs provider with the same key, as a restarted or second instance (or another
    /// sender sharing the key) has; the caller shuts it down.
    func makeProvider() throws -> APNsProvider {
        try Self.makeProvider(key: key, standIn: standIn, now: now)
    }

    /// The state of `channel` in `push_channels`, `nil` when it has no row.
    func channelState(_ channel: String = "apns") async throws -> PushChannelState? {
        try await outbox.channelStates().first { $0.channel == channel }
    }

    /// Makes the probe of a paused `channel` due now, as if its pause had run out.
    func makeProbeDue(_ channel: String = "apns") async throws {
        _ = try await h.store.client.query(
            "UPDATE push_channels SET resume_at = now() - interval '1 second' WHERE channel = \(channel)", logger: h.logger)
    }

    /// A dispatcher over the harness's database with fast test options.
    func dispatcher(
        _ name: String, providers: [any PushProvider]? = nil, configure: (inout PushDispatcherOptions) -> Void = { _ in }
    ) -> PushDispatcher {
        var options = PushDispatcherOptions()
        options.backoffBase = .milliseconds(50)
        options.backoffCap = .seconds(1)
        options.lease = .seconds(30)
        options.pauseProbe = .seconds(1)
        configure(&options)
        return PushDispatcher(
            outbox: outbox, commands: h.commands, providers: providers ?? [provider], options: options, owner: name, logger: h.logger)
    }

    var outbox: PushOutbox { PushOutbox(client: h.store.client, logger: h.logger) }

    /// A random APNs device token (64 hex digits).
    static func token() -> String {
        (UUID().uuidString + UUID().uuidString).replacingOccurrences(of: "-", with: "").lowercased()
    }

    /// Registers a user (through the command service) and returns their id.
    func user(_ name: String) async throws -> UserID {
        let session = try await h.signUp(name, tenantCode: "acme")
        guard let id = UserID(session.userID) else { throw TestFailure("bad user id") }
        return id
    }

    /// Registers a device for `user` (APNs unless `provider` says otherwise).
    @discardableResult
    func device(
        for user: UserID, token: String = PushWorld.token(), id: DeviceID = DeviceID(), provider: DeviceRegistration.Provider = .apns
    ) async throws -> (id: DeviceID, token: String) {
        let platform: DeviceRegistration.Platform =
            switch provider {
            case .apns: .ios
            case .fcm: .android
            case .webpush: .web
            case .webhook: .desktop
            }
        try await h.commands.execute(
            Domain.Device.self, id: id,
            command: .register(
                id, tenantID: tenant, userID: user,
                DeviceRegistration(
                    platform: platform, pushToken: token, provider: provider, appID: Self.topic, environment: .production)),
            envelope: CommandEnvelope(principal: .user(user, tenantID: tenant)))
        return (id, token)
    }

    /// Sends a notification to `receivers` (as the system).
    func notify(_ receivers: [UserID], type: String = "comment", title: String = "Hello") async throws {
        let id = NotificationID()
        try await h.commands.execute(
            NotificationAggregate.self, id: id,
            command: .send(
                id, tenantID: tenant, recipients: receivers.map { Recipient(userID: $0, tenantID: tenant, isActive: true) },
                type: type, title: title, content: "Something happened"), envelope: CommandEnvelope(principal: .system(tenantID: tenant)))
    }

    /// The outbox rows, in the log order of their events.
    func deliveries() async throws -> [DeliveryRow] {
        let rows = try await h.store.client.query(
            """
            SELECT delivery_id, device_id::text, status, coalesce(status_reason, ''), attempts, kind, token,
                   not_before > now() + interval '10 seconds'
            FROM push_deliveries ORDER BY source_position, delivery_id
            """, logger: h.logger)
        var result: [DeliveryRow] = []
        for try await (id, device, status, reason, attempts, kind, token, later) in rows.decode(
            (UUID, String, String, String, Int32, String, String, Bool).self)
        {
            result.append(
                DeliveryRow(id: id, device: device, status: status, reason: reason, attempts: Int(attempts), kind: kind, token: token, waitsLong: later))
        }
        return result
    }

    /// Waits until the outbox holds `count` rows.
    func waitForDeliveries(_ count: Int) async throws -> [DeliveryRow] {
        var rows: [DeliveryRow] = []
        try await eventually("the outbox holds \(count) deliveries") {
            rows = try await deliveries()
            return rows.count == count
        }
        return rows
    }

    /// Whether no delivery is leased any more: every claim's lease has run out (by the database's
    /// clock, which the claim compares with).
    func leasesRunOut() async throws -> Bool {
        let rows = try await h.store.client.query("SELECT count(*) FROM push_deliveries WHERE lease_until >= now()", logger: h.logger)
        for try await count in rows.decode(Int.self) { return count == 0 }
        return false
    }

    /// Runs rounds of `dispatchers` at once until no delivery is due, at most `rounds` times.
    func drain(_ dispatchers: [PushDispatcher], rounds: Int = 50) async throws {
        for _ in 0..<rounds {
            let handled = try await withThrowingTaskGroup(of: Int.self) { group in
                for dispatcher in dispatchers { group.addTask { try await dispatcher.round() } }
                return try await group.reduce(0, +)
            }
            if handled == 0 { return }
        }
    }

    /// The events of device `id`'s stream, by type.
    func deviceEvents(_ id: DeviceID) async throws -> [String] {
        try await h.store.readAll(stream: try StreamName("device-\(id)")).map(\.type)
    }
}

/// One row of `push_deliveries`, as the tests read it.
struct DeliveryRow: Sendable, Equatable {
    var id: UUID
    var device: String
    var status: String
    var reason: String
    var attempts: Int
    var kind: String
    var token: String
    /// `not_before` lies more than ten seconds ahead.
    var waitsLong: Bool
}
