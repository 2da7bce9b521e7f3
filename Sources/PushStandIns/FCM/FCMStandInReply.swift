import Foundation

/// A scripted FCM HTTP v1 error (or custom reply) the stand-in returns for one send to a registration token.
/// Each case produces the `google.rpc.Status` body and HTTP status FCM documents for it.
public enum FCMStandInReply: Sendable, Equatable {
    /// 404 `NOT_FOUND`, `errorCode` `UNREGISTERED`.
    case unregistered
    /// 403 `PERMISSION_DENIED`, `errorCode` `SENDER_ID_MISMATCH`.
    case senderIDMismatch
    /// 400 `INVALID_ARGUMENT`, `errorCode` `INVALID_ARGUMENT`, with `message`
    /// (the default is FCM's wording for a bad registration token).
    case invalidArgument(message: String = "The registration token is not a valid FCM registration token")
    /// 429 `RESOURCE_EXHAUSTED`, `errorCode` `QUOTA_EXCEEDED`, with an optional `Retry-After` (seconds).
    case quotaExceeded(retryAfter: Int?)
    /// 503 `UNAVAILABLE`, `errorCode` `UNAVAILABLE`, with an optional `Retry-After` (seconds).
    case unavailable(retryAfter: Int?)
    /// 500 `INTERNAL`, `errorCode` `INTERNAL`, with an optional `Retry-After` (seconds).
    case internalError(retryAfter: Int?)
    /// 401 `UNAUTHENTICATED`, `errorCode` `THIRD_PARTY_AUTH_ERROR` (APNs / Web Push credentials at Firebase are bad).
    case thirdPartyAuthError
    /// 403 `PERMISSION_DENIED` without an FCM `errorCode`.
    case permissionDenied
    /// 401 `UNAUTHENTICATED` without an FCM `errorCode` (the OAuth token is refused).
    case unauthenticated
    /// Any reply.
    case custom(LoopbackHTTPResponse)

    /// The HTTP reply for this case.
    public var response: LoopbackHTTPResponse {
        switch self {
        case .unregistered:
            Self.status(404, "NOT_FOUND", "Requested entity was not found.", errorCode: "UNREGISTERED")
        case .senderIDMismatch:
            Self.status(403, "PERMISSION_DENIED", "SenderId mismatch", errorCode: "SENDER_ID_MISMATCH")
        case .invalidArgument(let message):
            Self.status(400, "INVALID_ARGUMENT", message, errorCode: "INVALID_ARGUMENT")
        case .quotaExceeded(let retryAfter):
            Self.status(429, "RESOURCE_EXHAUSTED", "Quota exceeded.", errorCode: "QUOTA_EXCEEDED", retryAfter: retryAfter)
        case .unavailable(let retryAfter):
            Self.status(503, "UNAVAILABLE", "The service is currently unavailable.", errorCode: "UNAVAILABLE", retryAfter: retryAfter)
        case .internalError(let retryAfter):
            Self.status(500, "INTERNAL", "Internal error encountered.", errorCode: "INTERNAL", retryAfter: retryAfter)
        case .thirdPartyAuthError:
            Self.status(401, "UNAUTHENTICATED", "Auth error from APNS or Web Push Service", errorCode: "THIRD_PARTY_AUTH_ERROR")
        case .permissionDenied:
            Self.status(403, "PERMISSION_DENIED", "Permission 'cloudmessaging.messages.create' denied on resource.", errorCode: nil)
        case .unauthenticated:
            Self.status(
                401, "UNAUTHENTICATED",
                "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.",
                errorCode: nil
            )
        case .custom(let response):
            response
        }
    }

    /// A `google.rpc.Status` error reply, with an `FcmError` detail when `errorCode` is given.
    public static func status(_ code: Int, _ status: String, _ message: String, errorCode: String?, retryAfter: Int? = nil) -> LoopbackHTTPResponse {
        var error: [String: any Sendable] = ["code": code, "message": message, "status": status]
        if let errorCode {
            error["details"] = [["@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": errorCode] as [String: any Sendable]]
        }
        var headers: [String: String] = [:]
        if let retryAfter { headers["Retry-After"] = String(retryAfter) }
        return .json(status: code, ["error": error], headers: headers)
    }
}
