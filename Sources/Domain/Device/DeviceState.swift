import Foundation

/// The state of one device known to the push dispatcher.
public struct DeviceState: Sendable, Equatable {
    /// The device.
    public var id: DeviceID
    /// The tenant.
    public var tenantID: TenantID
    /// The user the device belongs to.
    public var userID: UserID
    /// Registration details, including the current push token.
    public var registration: DeviceRegistration
    /// Whether the device is registered (`false` after unregistering).
    public var isRegistered: Bool
    /// Why the provider rejected the current token, if it did.
    public var tokenInvalidation: String?
    /// When the device was (last) registered.
    public var registeredAt: Date
    /// When the current token was last registered or updated; a provider's report that the token
    /// became invalid before this moment is stale and ignored.
    public var tokenSince: Date

    /// Creates a device state.
    public init(
        id: DeviceID, tenantID: TenantID, userID: UserID, registration: DeviceRegistration,
        isRegistered: Bool = true, tokenInvalidation: String? = nil, registeredAt: Date
    ) {
        self.id = id
        self.tenantID = tenantID
        self.userID = userID
        self.registration = registration
        self.isRegistered = isRegistered
        self.tokenInvalidation = tokenInvalidation
        self.registeredAt = registeredAt
        self.tokenSince = registeredAt
    }

    /// Whether pushes may be sent to this device.
    public var canReceivePushes: Bool {
        isRegistered && tokenInvalidation == nil
    }
}

/// What a device tells the server when it registers.
public struct DeviceRegistration: Sendable, Hashable, Codable {
    /// Operating system family.
    public enum Platform: String, Sendable, Hashable, Codable, CaseIterable {
        /// iPhone and iPad.
        case ios
        /// Android.
        case android
        /// A browser.
        case web
        /// A desktop app.
        case desktop
    }

    /// Who delivers pushes to the device.
    public enum Provider: String, Sendable, Hashable, Codable, CaseIterable {
        /// Apple Push Notification service.
        case apns
        /// Firebase Cloud Messaging.
        case fcm
        /// Web Push.
        case webpush
        /// A plain HTTPS webhook.
        case webhook
    }

    /// Which provider environment the token belongs to.
    public enum Environment: String, Sendable, Hashable, Codable, CaseIterable {
        /// Development builds.
        case sandbox
        /// Store builds.
        case production
    }

    /// Platform.
    public var platform: Platform
    /// Push token, 1-4096 characters.
    public var pushToken: String
    /// Push provider.
    public var provider: Provider
    /// App (bundle) id, at most 255 characters.
    public var appID: String?
    /// Provider environment.
    public var environment: Environment
    /// App version, at most 64 characters.
    public var appVersion: String?
    /// Device locale, e.g. `en-US`.
    public var locale: String?

    /// Creates registration details.
    public init(
        platform: Platform, pushToken: String, provider: Provider, appID: String? = nil,
        environment: Environment = .production, appVersion: String? = nil, locale: String? = nil
    ) {
        self.platform = platform
        self.pushToken = pushToken
        self.provider = provider
        self.appID = appID
        self.environment = environment
        self.appVersion = appVersion
        self.locale = locale
    }
}
