/// The mutations a device may push, by wire name, with their arguments (a JSON object).
///
/// Ids are UUID strings chosen by the client; dates are ISO-8601 strings in UTC. An absent
/// member of an edit leaves the field as it is; `todo.edit` clears the due date with `"due_at": null`.
public enum MutationName: String, Sendable, Hashable, Codable, CaseIterable {
    /// `{todo_id, title, description?, priority?, due_at?, tags?, type?}`
    case todoCreate = "todo.create"
    /// `{todo_id, title?, description?, priority?, due_at?, tags?, type?}`: only the members
    /// present change; each field merges separately with other devices' edits.
    case todoEdit = "todo.edit"
    /// `{todo_id}`
    case todoComplete = "todo.complete"
    /// `{todo_id}`
    case todoReopen = "todo.reopen"
    /// `{todo_id}`
    case todoCancel = "todo.cancel"
    /// `{todo_id}`
    case todoDelete = "todo.delete"
    /// `{todo_id}`
    case todoRestore = "todo.restore"
    /// `{todo_id, reminder_id, kind, fire_at}`
    case reminderSchedule = "reminder.schedule"
    /// `{todo_id, reminder_id}`
    case reminderCancel = "reminder.cancel"
    /// `{notification_id}`
    case notificationRead = "notification.read"
    /// `{notification_id}`
    case notificationArchive = "notification.archive"
    /// `{announcement_id}`
    case announcementRead = "announcement.read"
    /// `{order_id, currency, items: [{sku, name, quantity, unit_price_minor}]}`
    case orderPlace = "order.place"
    /// `{order_id, reason}`
    case orderCancel = "order.cancel"
    /// `{order_id, reason}`
    case orderRequestRefund = "order.request_refund"
    /// `{order_id, reason}`
    case orderFileComplaint = "order.file_complaint"
    /// `{nickname?, avatar_url?, email?, phone?, locale?, time_zone?}`
    case profileUpdate = "profile.update"
    /// `{device_id, platform, provider, environment, push_token, app_id?, app_version?, locale?}`
    case deviceRegister = "device.register"
    /// `{device_id, push_token}`
    case deviceUpdateToken = "device.update_token"
    /// `{device_id}`
    case deviceUnregister = "device.unregister"
    /// `{muted?: [kind], quiet_start?: "HH:MM", quiet_end?: "HH:MM", time_zone?}`: replaces the
    /// user's push preferences (both quiet times or neither).
    case pushPreferencesSet = "push_preferences.set"
    /// Admin: `{announcement_id, title, body}`
    case announcementDraft = "announcement.draft"
    /// Admin: `{announcement_id, title?, body?}`
    case announcementEdit = "announcement.edit"
    /// Admin: `{announcement_id}`
    case announcementPublish = "announcement.publish"
    /// Admin: `{announcement_id}`
    case announcementUnpublish = "announcement.unpublish"
    /// Admin: `{announcement_id}`
    case announcementArchive = "announcement.archive"
    /// Admin: `{notification_id, receivers: [user_id], type, title, content}`
    case notificationSend = "notification.send"
    /// Admin (or the payment system): `{order_id, reason?}`
    case orderPay = "order.pay"
    /// Admin: `{order_id, reason?}`
    case orderShip = "order.ship"
    /// Admin: `{order_id, reason?}`
    case orderDeliver = "order.deliver"
    /// Admin: `{order_id, reason?}`
    case orderApproveRefund = "order.approve_refund"
    /// Admin: `{order_id, reason}`
    case orderRejectRefund = "order.reject_refund"
    /// Admin: `{order_id, reason?}`
    case orderResolveComplaint = "order.resolve_complaint"
    /// Admin: `{user_id, role}`
    case userGrantRole = "user.grant_role"
    /// Admin: `{user_id, role}`
    case userRevokeRole = "user.revoke_role"
    /// Admin: `{user_id, reason?}`
    case userLock = "user.lock"
    /// Admin: `{user_id}`
    case userUnlock = "user.unlock"
    /// Admin: `{user_id, reason?}`
    case userDeactivate = "user.deactivate"
    /// Admin: `{user_id}`
    case userDelete = "user.delete"
    /// Admin: `{name}`
    case tenantRename = "tenant.rename"
}
