import Foundation

/// An FCM HTTP v1 error body (`google.rpc.Status`):
/// `{"error":{"code":404,"message":"…","status":"NOT_FOUND","details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"UNREGISTERED"}]}}`.
public struct FCMErrorReply: Sendable, Equatable {
    /// The HTTP-like code in the body (`error.code`), if any.
    public var code: Int?
    /// The human-readable message (`error.message`).
    public var message: String
    /// The canonical gRPC status name (`error.status`, e.g. `INVALID_ARGUMENT`).
    public var status: String?
    /// The FCM-specific error code from `details[].errorCode` (e.g. `UNREGISTERED`), if any.
    public var fcmErrorCode: String?

    /// Creates a reply.
    public init(code: Int? = nil, message: String = "", status: String? = nil, fcmErrorCode: String? = nil) {
        self.code = code
        self.message = message
        self.status = status
        self.fcmErrorCode = fcmErrorCode
    }

    /// Parses an error body; unreadable bodies give an empty reply (only the HTTP status then counts).
    public init(body: Data) {
        self.init()
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any],
            let error = object["error"] as? [String: Any]
        else {
            message = String(decoding: body.prefix(300), as: UTF8.self)
            return
        }
        code = (error["code"] as? NSNumber)?.intValue
        message = error["message"] as? String ?? ""
        status = error["status"] as? String
        let details = error["details"] as? [[String: Any]] ?? []
        let fcmDetail = details.first { ($0["@type"] as? String)?.hasSuffix("google.firebase.fcm.v1.FcmError") == true && $0["errorCode"] is String }
        fcmErrorCode = (fcmDetail ?? details.first { $0["errorCode"] is String })?["errorCode"] as? String
    }

    /// The code to branch on: the FCM `errorCode` when present, else the gRPC `status`.
    public var effectiveCode: String? {
        fcmErrorCode ?? status
    }
}
