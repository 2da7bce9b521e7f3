import Foundation

/// A device of one user that receives push notifications.
///
/// The owner (or the system) registers, updates the token and unregisters; only the system's
/// push dispatcher records that a provider rejected a token.
public enum Device: Aggregate {
    /// Stream ids are device ids.
    public typealias ID = DeviceID
    /// `nil` until the first `DeviceRegistered`.
    public typealias State = DeviceState?

    /// `"device"`.
    public static let category = "device"
    /// No device yet.
    public static let initialState: DeviceState? = nil

    /// Decides a device command.
    public static func decide(
        _ command: DeviceCommand, state: DeviceState?, context: CommandContext
    ) throws(DomainError) -> [DeviceEvent] {
        let now = context.timestamp
        if case .register(let id, let tenantID, let userID, let registration) = command {
            try Access.owner(context, tenantID, userID, to: "register devices")
            let registration = try validated(registration)
            if let state {
                if state.tenantID != tenantID { throw .conflict("device \(id) belongs to another tenant") }
                // Registering is an idempotent upsert: the same details again change nothing; anything
                // else (another user on a shared tablet, a new token, a device the provider rejected)
                // registers it afresh for the caller.
                if state.canReceivePushes && state.userID == userID && state.registration == registration { return [] }
            }
            return [.registered(.init(tenantID: tenantID, deviceID: id, userID: userID, registration: registration, at: now))]
        }
        guard let device = state, device.id == command.deviceID else {
            throw .notFound("device \(command.deviceID) does not exist")
        }
        let tenant = device.tenantID
        switch command {
        case .register:
            return []
        case .updateToken(_, let token):
            try Access.owner(context, tenant, device.userID, to: "update device tokens")
            guard device.isRegistered else { throw .conflict("cannot update the token of an unregistered device") }
            let token = try pushToken(token)
            if token == device.registration.pushToken && device.tokenInvalidation == nil { return [] }
            return [.tokenUpdated(.init(tenantID: tenant, deviceID: device.id, pushToken: token, at: now))]
        case .unregister:
            try Access.owner(context, tenant, device.userID, to: "unregister devices")
            if !device.isRegistered { return [] }
            return [.unregistered(.init(tenantID: tenant, deviceID: device.id, actorID: context.principal.userID, at: now))]
        case .invalidateToken(_, let token, let reason, let providerTimestamp):
            try Access.system(context, tenant, to: "invalidate device tokens")
            let reason = try Validate.text(reason, "reason", 1...500)
            let providerTimestamp = try Validate.date(providerTimestamp, "providerTimestamp")
            let current = device.isRegistered && device.tokenInvalidation == nil && token == device.registration.pushToken
            if !current { return [] }
            // A provider's "invalid since" older than the token's latest registration is stale: the
            // app registered the token again after the provider stopped accepting it.
            if providerTimestamp < device.tokenSince { return [] }
            return [
                .tokenInvalidated(
                    .init(
                        tenantID: tenant, deviceID: device.id, pushToken: token, reason: reason,
                        providerTimestamp: providerTimestamp, at: now))
            ]
        }
    }

    /// Applies a device event.
    public static func evolve(_ state: DeviceState?, _ event: DeviceEvent) -> DeviceState? {
        if case .registered(let registered) = event {
            return DeviceState(
                id: registered.deviceID, tenantID: registered.tenantID, userID: registered.userID,
                registration: registered.registration, registeredAt: registered.at)
        }
        guard var device = state else { return state }
        switch event {
        case .registered: break
        case .tokenUpdated(let updated):
            device.registration.pushToken = updated.pushToken
            device.tokenInvalidation = nil
            device.tokenSince = updated.at
        case .unregistered:
            device.isRegistered = false
        case .tokenInvalidated(let invalidated):
            device.tokenInvalidation = invalidated.reason
        }
        return device
    }

    static func pushToken(_ value: String) throws(DomainError) -> String {
        let token = try Validate.text(value, "pushToken", 1...4096)
        guard !token.contains(where: { $0.isWhitespace }) else { throw .invalid("pushToken must not contain spaces") }
        return token
    }

    static func validated(_ registration: DeviceRegistration) throws(DomainError) -> DeviceRegistration {
        var result = registration
        result.pushToken = try pushToken(registration.pushToken)
        result.appID = try registration.appID.flatMap { value throws(DomainError) in
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            return trimmed.isEmpty ? nil : try Validate.text(trimmed, "appID", 1...255)
        }
        result.appVersion = try registration.appVersion.flatMap { value throws(DomainError) in
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            return trimmed.isEmpty ? nil : try Validate.text(trimmed, "appVersion", 1...64)
        }
        result.locale = try registration.locale.flatMap { value throws(DomainError) in
            value.isEmpty ? nil : try Validate.locale(value)
        }
        return result
    }
}
