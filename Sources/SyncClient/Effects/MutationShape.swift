import Foundation
import SyncProtocol

/// The minimal shape check of a mutation's arguments before it is queued: an object, with its
/// required members present. Entity id members (``idMembers``) must be UUIDs; they are lowercased
/// so local keys match the server's.
enum MutationShape {
    /// The members that hold entity ids (UUIDs).
    static let idMembers: Set<String> = [
        "todo_id", "reminder_id", "notification_id", "announcement_id", "order_id", "device_id", "user_id",
    ]

    /// Checks and normalizes the arguments of a mutation.
    /// - Returns: The arguments with every id member lowercased.
    /// - Throws: ``SyncClientError`` `invalid_mutation` naming the first problem.
    static func validated(_ name: MutationName, args: JSONValue) throws -> JSONValue {
        guard var members = args.objectValue else {
            throw invalid(name, "arguments must be a JSON object")
        }
        for (member, value) in members where idMembers.contains(member) && !value.isNull {
            guard let text = value.stringValue, UUID(uuidString: text) != nil else {
                throw invalid(name, "\(member) must be a UUID string")
            }
            members[member] = .string(text.lowercased())
        }
        for member in required(name) {
            guard let value = members[member], !value.isNull else {
                throw invalid(name, "\(member) is required")
            }
            if let text = value.stringValue, text.trimmingCharacters(in: .whitespaces).isEmpty {
                throw invalid(name, "\(member) must not be empty")
            }
        }
        if name == .orderPlace { try checkItems(members["items"]) }
        if name == .notificationSend, members["receivers"]?.arrayValue == nil {
            throw invalid(name, "receivers must be an array of user ids")
        }
        return .object(members)
    }

    /// The members a mutation must have.
    static func required(_ name: MutationName) -> [String] {
        switch name {
        case .todoCreate: ["todo_id", "title"]
        case .todoEdit, .todoComplete, .todoReopen, .todoCancel, .todoDelete, .todoRestore: ["todo_id"]
        case .reminderSchedule: ["todo_id", "reminder_id", "kind", "fire_at"]
        case .reminderCancel: ["todo_id", "reminder_id"]
        case .notificationRead, .notificationArchive: ["notification_id"]
        case .announcementRead, .announcementPublish, .announcementUnpublish, .announcementArchive, .announcementEdit:
            ["announcement_id"]
        case .announcementDraft: ["announcement_id", "title", "body"]
        case .orderPlace: ["order_id", "currency", "items"]
        case .orderCancel, .orderRequestRefund, .orderFileComplaint, .orderRejectRefund: ["order_id", "reason"]
        case .orderPay, .orderShip, .orderDeliver, .orderApproveRefund, .orderResolveComplaint: ["order_id"]
        case .profileUpdate: []
        case .deviceRegister: ["device_id", "platform", "provider", "environment", "push_token"]
        case .deviceUpdateToken: ["device_id", "push_token"]
        case .deviceUnregister: ["device_id"]
        case .pushPreferencesSet: []
        case .notificationSend: ["notification_id", "receivers", "type", "title", "content"]
        case .userGrantRole, .userRevokeRole: ["user_id", "role"]
        case .userLock, .userUnlock, .userDeactivate, .userDelete: ["user_id"]
        case .tenantRename: ["name"]
        }
    }

    /// `order.place` items: a non-empty array of `{sku, name, quantity > 0, unit_price_minor ≥ 0}`.
    private static func checkItems(_ items: JSONValue?) throws {
        guard let items = items?.arrayValue, !items.isEmpty else {
            throw invalid(.orderPlace, "items must be a non-empty array")
        }
        for (index, item) in items.enumerated() {
            guard item["sku"]?.stringValue != nil, item["name"]?.stringValue != nil else {
                throw invalid(.orderPlace, "items[\(index)] needs sku and name")
            }
            guard let quantity = item["quantity"]?.int64Value, quantity > 0 else {
                throw invalid(.orderPlace, "items[\(index)].quantity must be a positive integer")
            }
            guard let price = item["unit_price_minor"]?.int64Value, price >= 0 else {
                throw invalid(.orderPlace, "items[\(index)].unit_price_minor must be an integer of at least 0")
            }
        }
    }

    private static func invalid(_ name: MutationName, _ message: String) -> SyncClientError {
        SyncClientError(.invalidMutation, "\(name.rawValue): \(message)")
    }
}
