import Foundation
import Testing

@testable import Domain

@Suite("Device")
struct DeviceTests {
    let id = DeviceID(rawValue: UUID(uuid: (8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)))
    let tenant = Fixture.tenant
    let alice = Fixture.aliceP
    let registration = DeviceRegistration(
        platform: .ios, pushToken: "tok-1", provider: .apns, appID: "com.example.app",
        environment: .sandbox, appVersion: "1.2.3", locale: "en-US")
    var register: DeviceCommand { .register(id, tenantID: tenant, userID: Fixture.alice, registration) }
    var registered: DeviceState? { get throws { try given(Device.self, [(register, alice)]) } }

    @Test("a member registers their own device")
    func registerDevice() throws {
        let events = try run(Device.self, nil, register, as: alice)
        #expect(events == [.registered(.init(tenantID: tenant, deviceID: id, userID: Fixture.alice, registration: registration, at: Fixture.t0))])
        #expect(Device.fold(events)?.canReceivePushes == true)
        #expect(try run(Device.self, nil, register, as: Fixture.systemP).count == 1)
    }

    @Test("devices cannot be registered for others, across tenants or anonymously; the same registration again records nothing")
    func registerRefused() throws {
        for principal in [Fixture.bobP, Fixture.adminP, Fixture.foreignSystemP, .anonymous] {
            expectRefusal(Device.self, nil, register, as: principal, .forbidden)
        }
        #expect(try run(Device.self, try registered, register, as: alice).isEmpty)
    }

    @Test("registering again is an upsert: a shared tablet moves to the user who signs in; a rejected device comes back")
    func reRegister() throws {
        let state = try registered
        let bobs = DeviceCommand.register(id, tenantID: tenant, userID: Fixture.bob, registration)
        let moved = Device.fold(try run(Device.self, state, bobs, as: Fixture.bobP), from: state)
        #expect(moved?.userID == Fixture.bob && moved?.canReceivePushes == true)
        // Another token for the same device is a new registration too.
        var newer = registration
        newer.pushToken = "tok-2"
        let renamed = try run(Device.self, state, .register(id, tenantID: tenant, userID: Fixture.alice, newer), as: alice)
        #expect(names(renamed) == ["DeviceRegistered"])
        // A device whose token the provider rejected is re-activated by registering the same token.
        let rejected = Device.fold(
            try run(
                Device.self, state,
                .invalidateToken(
                    id, pushToken: "tok-1", reason: "Unregistered", providerTimestamp: Fixture.at(10)), as: Fixture.systemP), from: state)
        #expect(rejected?.canReceivePushes == false)
        let back = Device.fold(try run(Device.self, rejected, register, as: alice), from: rejected)
        #expect(back?.canReceivePushes == true)
    }

    @Test("a provider's invalid-since time older than the token's latest registration is stale and ignored")
    func staleInvalidation() throws {
        let state = try registered
        let stale = DeviceCommand.invalidateToken(id, pushToken: "tok-1", reason: "Unregistered", providerTimestamp: Fixture.at(-60))
        #expect(try run(Device.self, state, stale, as: Fixture.systemP).isEmpty)
        let fresh = DeviceCommand.invalidateToken(id, pushToken: "tok-1", reason: "Unregistered", providerTimestamp: Fixture.at(60))
        #expect(names(try run(Device.self, state, fresh, as: Fixture.systemP)) == ["DeviceTokenInvalidated"])
    }

    @Test(
        "push tokens, app ids, versions and locales are validated",
        arguments: [
            DeviceRegistration(platform: .web, pushToken: "", provider: .webpush),
            DeviceRegistration(platform: .web, pushToken: String(repeating: "t", count: 4097), provider: .webpush),
            DeviceRegistration(platform: .web, pushToken: "a b", provider: .webpush),
            DeviceRegistration(platform: .android, pushToken: "t", provider: .fcm, appID: String(repeating: "a", count: 256)),
            DeviceRegistration(platform: .android, pushToken: "t", provider: .fcm, appVersion: String(repeating: "1", count: 65)),
            DeviceRegistration(platform: .desktop, pushToken: "t", provider: .webhook, locale: "not a locale"),
        ])
    func registerInvalid(registration: DeviceRegistration) {
        expectRefusal(Device.self, nil, .register(id, tenantID: tenant, userID: Fixture.alice, registration), as: alice, .invalid)
    }

    @Test("the owner updates the token; the same token records nothing")
    func updateToken() throws {
        let state = try registered
        let events = try run(Device.self, state, .updateToken(id, pushToken: "tok-2"), as: alice)
        #expect(events == [.tokenUpdated(.init(tenantID: tenant, deviceID: id, pushToken: "tok-2", at: Fixture.t0))])
        #expect(Device.fold(events, from: state)?.registration.pushToken == "tok-2")
        #expect(try run(Device.self, state, .updateToken(id, pushToken: "tok-1"), as: alice).isEmpty)
        expectRefusal(Device.self, state, .updateToken(id, pushToken: ""), as: alice, .invalid)
        expectRefusal(Device.self, state, .updateToken(id, pushToken: "x"), as: Fixture.bobP, .forbidden)
        expectRefusal(Device.self, state, .updateToken(id, pushToken: "x"), as: Fixture.adminP, .forbidden)
        expectRefusal(Device.self, nil, .updateToken(id, pushToken: "x"), as: alice, .notFound)
    }

    @Test("unregistering is idempotent; an unregistered device refuses token updates and may register again")
    func unregister() throws {
        let state = try registered
        let events = try run(Device.self, state, .unregister(id), as: alice)
        #expect(events == [.unregistered(.init(tenantID: tenant, deviceID: id, actorID: Fixture.alice, at: Fixture.t0))])
        let gone = Device.fold(events, from: state)
        #expect(gone?.isRegistered == false && gone?.canReceivePushes == false)
        #expect(try run(Device.self, gone, .unregister(id), as: alice).isEmpty)
        expectRefusal(Device.self, gone, .updateToken(id, pushToken: "tok-9"), as: alice, .conflict)
        expectRefusal(Device.self, state, .unregister(id), as: Fixture.bobP, .forbidden)
        #expect(names(try run(Device.self, gone, register, as: alice)) == ["DeviceRegistered"])
        expectRefusal(
            Device.self, gone, .register(id, tenantID: Fixture.otherTenant, userID: Fixture.stranger, registration),
            as: Principal.user(Fixture.stranger, tenantID: Fixture.otherTenant), .conflict)
    }

    @Test("the push dispatcher invalidates the current token with the provider's reason and timestamp")
    func invalidate() throws {
        let state = try registered
        let providerTime = Fixture.at(30)
        let command = DeviceCommand.invalidateToken(id, pushToken: "tok-1", reason: "BadDeviceToken", providerTimestamp: providerTime)
        let events = try run(Device.self, state, command, as: Fixture.systemP)
        #expect(
            events == [
                .tokenInvalidated(
                    .init(tenantID: tenant, deviceID: id, pushToken: "tok-1", reason: "BadDeviceToken", providerTimestamp: providerTime, at: Fixture.t0))
            ])
        let invalid = Device.fold(events, from: state)
        #expect(invalid?.canReceivePushes == false)
        #expect(try run(Device.self, invalid, command, as: Fixture.systemP).isEmpty)
        #expect(try run(Device.self, state, .invalidateToken(id, pushToken: "old", reason: "x", providerTimestamp: providerTime), as: Fixture.systemP).isEmpty)
        let refreshed = Device.fold(try run(Device.self, invalid, .updateToken(id, pushToken: "tok-1"), as: alice), from: invalid)
        #expect(refreshed?.canReceivePushes == true)
        expectRefusal(Device.self, state, command, as: alice, .forbidden)
        expectRefusal(Device.self, state, command, as: Fixture.foreignSystemP, .forbidden)
        expectRefusal(Device.self, state, .invalidateToken(id, pushToken: "tok-1", reason: " ", providerTimestamp: providerTime), as: Fixture.systemP, .invalid)
    }
}
