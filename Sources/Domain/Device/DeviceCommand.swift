import Foundation

/// Commands of the ``Device`` aggregate.
public enum DeviceCommand: Sendable, Equatable {
    /// Registers (or re-registers an unregistered) device for `userID`.
    case register(DeviceID, tenantID: TenantID, userID: UserID, DeviceRegistration)
    /// Replaces the push token; clears an earlier invalidation.
    case updateToken(DeviceID, pushToken: String)
    /// Unregisters the device.
    case unregister(DeviceID)
    /// Records that the provider rejected `pushToken` (system only). Ignored when the device has
    /// moved on to another token.
    case invalidateToken(DeviceID, pushToken: String, reason: String, providerTimestamp: Date)

    /// The device this command targets.
    public var deviceID: DeviceID {
        switch self {
        case .register(let id, _, _, _), .updateToken(let id, _), .unregister(let id),
            .invalidateToken(let id, _, _, _):
            id
        }
    }
}
