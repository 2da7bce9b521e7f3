import Foundation

/// The `reason` values of APNs error replies (Apple's "Handling notification responses from APNs"
/// table), each with its HTTP status and what it means for the dispatcher.
public enum APNsReason: String, Sendable, Hashable, CaseIterable {
    // 400 Bad request
    /// The collapse identifier exceeds the maximum allowed size.
    case badCollapseId = "BadCollapseId"
    /// The specified device token is invalid.
    case badDeviceToken = "BadDeviceToken"
    /// The `apns-expiration` value is invalid.
    case badExpirationDate = "BadExpirationDate"
    /// The `apns-id` value is invalid.
    case badMessageId = "BadMessageId"
    /// The `apns-priority` value is invalid.
    case badPriority = "BadPriority"
    /// The `apns-topic` value is invalid.
    case badTopic = "BadTopic"
    /// The device token doesn't match the specified topic.
    case deviceTokenNotForTopic = "DeviceTokenNotForTopic"
    /// One or more headers are repeated.
    case duplicateHeaders = "DuplicateHeaders"
    /// Idle timeout.
    case idleTimeout = "IdleTimeout"
    /// The `apns-push-type` value is invalid.
    case invalidPushType = "InvalidPushType"
    /// The device token isn't specified in the request path.
    case missingDeviceToken = "MissingDeviceToken"
    /// The `apns-topic` header is missing and required.
    case missingTopic = "MissingTopic"
    /// The message payload is empty.
    case payloadEmpty = "PayloadEmpty"
    /// Pushing to this topic is not allowed.
    case topicDisallowed = "TopicDisallowed"
    // 403 Forbidden
    /// The certificate is invalid.
    case badCertificate = "BadCertificate"
    /// The client certificate is for the wrong environment.
    case badCertificateEnvironment = "BadCertificateEnvironment"
    /// The provider token is stale and a new token should be generated.
    case expiredProviderToken = "ExpiredProviderToken"
    /// The specified action is not allowed.
    case forbidden = "Forbidden"
    /// The provider token is not valid, or its signature can't be verified.
    case invalidProviderToken = "InvalidProviderToken"
    /// No provider certificate was used to connect and the `authorization` header is missing or has no token.
    case missingProviderToken = "MissingProviderToken"
    /// The key id in the provider token isn't related to the key id of the token used in the first push of this connection.
    case unrelatedKeyIdInToken = "UnrelatedKeyIdInToken"
    /// The key id in the provider token doesn't match the environment.
    case badEnvironmentKeyIdInToken = "BadEnvironmentKeyIdInToken"
    // 404, 405
    /// The request contained an invalid `:path` value.
    case badPath = "BadPath"
    /// The specified `:method` value isn't `POST`.
    case methodNotAllowed = "MethodNotAllowed"
    // 410 Gone
    /// The device token has expired.
    case expiredToken = "ExpiredToken"
    /// The device token is inactive for the specified topic.
    case unregistered = "Unregistered"
    // 413
    /// The message payload is too large (4096 bytes for regular notifications).
    case payloadTooLarge = "PayloadTooLarge"
    // 429
    /// The provider's authentication token is being updated too often.
    case tooManyProviderTokenUpdates = "TooManyProviderTokenUpdates"
    /// Too many requests were made consecutively to the same device token.
    case tooManyRequests = "TooManyRequests"
    // 500, 503
    /// An internal server error occurred.
    case internalServerError = "InternalServerError"
    /// The service is unavailable.
    case serviceUnavailable = "ServiceUnavailable"
    /// The APNs server is shutting down.
    case shutdown = "Shutdown"

    /// The HTTP status APNs sends with this reason.
    public var status: Int {
        switch self {
        case .badCollapseId, .badDeviceToken, .badExpirationDate, .badMessageId, .badPriority, .badTopic,
            .deviceTokenNotForTopic, .duplicateHeaders, .idleTimeout, .invalidPushType, .missingDeviceToken,
            .missingTopic, .payloadEmpty, .topicDisallowed:
            400
        case .badCertificate, .badCertificateEnvironment, .expiredProviderToken, .forbidden,
            .invalidProviderToken, .missingProviderToken, .unrelatedKeyIdInToken, .badEnvironmentKeyIdInToken:
            403
        case .badPath: 404
        case .methodNotAllowed: 405
        case .expiredToken, .unregistered: 410
        case .payloadTooLarge: 413
        case .tooManyProviderTokenUpdates, .tooManyRequests: 429
        case .internalServerError: 500
        case .serviceUnavailable, .shutdown: 503
        }
    }

    /// What an error reply means for the message.
    ///
    /// - Parameters:
    ///   - status: The HTTP status of the reply.
    ///   - reason: The `reason` text of the body, if any (unknown reasons are classified by status).
    ///   - timestamp: The `timestamp` of a 410 reply, converted to a date.
    ///   - retryAfter: The `Retry-After` header, if any.
    /// - Note: `ExpiredProviderToken` maps to `.retry` here; ``APNsProvider`` re-signs and retries
    ///   once before it reports that. `TooManyProviderTokenUpdates` maps to `.throttled`;
    ///   ``APNsProvider`` says how long to wait (until its token may be replaced).
    public static func outcome(status: Int, reason: String?, timestamp: Date?, retryAfter: Duration?) -> PushOutcome {
        let text = reason ?? "HTTP \(status)"
        guard let known = reason.flatMap(APNsReason.init(rawValue:)) else {
            return fallbackOutcome(status: status, text: text, timestamp: timestamp, retryAfter: retryAfter)
        }
        switch known {
        case .badDeviceToken:
            return .invalidToken(reason: text, since: nil)
        case .expiredToken, .unregistered:
            return .invalidToken(reason: text, since: timestamp)
        case .topicDisallowed, .badTopic, .missingTopic,
            .badCertificate, .badCertificateEnvironment, .forbidden, .invalidProviderToken, .missingProviderToken,
            .unrelatedKeyIdInToken, .badEnvironmentKeyIdInToken:
            return .credentialsRejected(reason: text)
        case .tooManyProviderTokenUpdates:
            return .throttled(reason: text, after: retryAfter)
        case .expiredProviderToken, .tooManyRequests, .idleTimeout, .internalServerError, .serviceUnavailable, .shutdown:
            return .retry(reason: text, after: retryAfter)
        case .badCollapseId, .badExpirationDate, .badMessageId, .badPriority, .deviceTokenNotForTopic,
            .duplicateHeaders, .invalidPushType, .missingDeviceToken, .payloadEmpty, .badPath,
            .methodNotAllowed, .payloadTooLarge:
            return .failed(reason: text)
        }
    }

    /// Classifies a reply whose reason is missing or not in Apple's table by its status alone.
    private static func fallbackOutcome(status: Int, text: String, timestamp: Date?, retryAfter: Duration?) -> PushOutcome {
        switch status {
        case 403: .credentialsRejected(reason: text)
        case 410: .invalidToken(reason: text, since: timestamp)
        case 408, 429, 500...599: .retry(reason: text, after: retryAfter)
        default: .failed(reason: text)
        }
    }
}
