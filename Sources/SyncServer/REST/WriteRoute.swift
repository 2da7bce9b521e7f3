import Hummingbird
import SyncProtocol

/// One REST write endpoint: a method and path mapped to a mutation. Path parameters (`:todo_id`)
/// become arguments of the same name; `generates` names an id argument the server fills with a
/// new UUID when the body leaves it out; `fixed` adds constant arguments.
struct WriteRoute: Sendable {
    var method: HTTPRequest.Method
    var path: String
    var mutation: MutationName
    var generates: String?
    var fixed: [String: JSONValue] = [:]

    /// Every REST write endpoint (admin-only ones are refused by the domain for members).
    static let all: [WriteRoute] = [
        WriteRoute(method: .post, path: "todos", mutation: .todoCreate, generates: "todo_id"),
        WriteRoute(method: .patch, path: "todos/:todo_id", mutation: .todoEdit),
        WriteRoute(method: .delete, path: "todos/:todo_id", mutation: .todoDelete),
        WriteRoute(method: .post, path: "todos/:todo_id/complete", mutation: .todoComplete),
        WriteRoute(method: .post, path: "todos/:todo_id/reopen", mutation: .todoReopen),
        WriteRoute(method: .post, path: "todos/:todo_id/cancel", mutation: .todoCancel),
        WriteRoute(method: .post, path: "todos/:todo_id/restore", mutation: .todoRestore),
        WriteRoute(method: .post, path: "todos/:todo_id/reminders", mutation: .reminderSchedule, generates: "reminder_id"),
        WriteRoute(method: .delete, path: "todos/:todo_id/reminders/:reminder_id", mutation: .reminderCancel),
        WriteRoute(method: .post, path: "notifications", mutation: .notificationSend, generates: "notification_id"),
        WriteRoute(method: .post, path: "notifications/:notification_id/read", mutation: .notificationRead),
        WriteRoute(method: .post, path: "notifications/:notification_id/archive", mutation: .notificationArchive),
        WriteRoute(method: .post, path: "announcements", mutation: .announcementDraft, generates: "announcement_id"),
        WriteRoute(method: .patch, path: "announcements/:announcement_id", mutation: .announcementEdit),
        WriteRoute(method: .post, path: "announcements/:announcement_id/publish", mutation: .announcementPublish),
        WriteRoute(method: .post, path: "announcements/:announcement_id/unpublish", mutation: .announcementUnpublish),
        WriteRoute(method: .post, path: "announcements/:announcement_id/archive", mutation: .announcementArchive),
        WriteRoute(method: .post, path: "announcements/:announcement_id/read", mutation: .announcementRead),
        WriteRoute(method: .post, path: "orders", mutation: .orderPlace, generates: "order_id"),
        WriteRoute(method: .post, path: "orders/:order_id/pay", mutation: .orderPay),
        WriteRoute(method: .post, path: "orders/:order_id/ship", mutation: .orderShip),
        WriteRoute(method: .post, path: "orders/:order_id/deliver", mutation: .orderDeliver),
        WriteRoute(method: .post, path: "orders/:order_id/cancel", mutation: .orderCancel),
        WriteRoute(method: .post, path: "orders/:order_id/refund", mutation: .orderRequestRefund),
        WriteRoute(method: .post, path: "orders/:order_id/refund/approve", mutation: .orderApproveRefund),
        WriteRoute(method: .post, path: "orders/:order_id/refund/reject", mutation: .orderRejectRefund),
        WriteRoute(method: .post, path: "orders/:order_id/complaint", mutation: .orderFileComplaint),
        WriteRoute(method: .post, path: "orders/:order_id/complaint/resolve", mutation: .orderResolveComplaint),
        WriteRoute(method: .patch, path: "me", mutation: .profileUpdate),
        WriteRoute(method: .post, path: "devices", mutation: .deviceRegister, generates: "device_id"),
        WriteRoute(method: .put, path: "devices/:device_id/token", mutation: .deviceUpdateToken),
        WriteRoute(method: .delete, path: "devices/:device_id", mutation: .deviceUnregister),
        WriteRoute(method: .put, path: "me/push-preferences", mutation: .pushPreferencesSet),
        WriteRoute(method: .post, path: "users/:user_id/roles", mutation: .userGrantRole),
        WriteRoute(method: .delete, path: "users/:user_id/roles/:role", mutation: .userRevokeRole),
        WriteRoute(method: .post, path: "users/:user_id/lock", mutation: .userLock),
        WriteRoute(method: .post, path: "users/:user_id/unlock", mutation: .userUnlock),
        WriteRoute(method: .post, path: "users/:user_id/deactivate", mutation: .userDeactivate),
        WriteRoute(method: .delete, path: "users/:user_id", mutation: .userDelete),
        WriteRoute(method: .patch, path: "tenant", mutation: .tenantRename),
    ]

    /// The names of the path's parameters.
    var parameters: [String] {
        path.split(separator: "/").filter { $0.hasPrefix(":") }.map { String($0.dropFirst()) }
    }
}
