/// How urgently a message should be delivered.
public enum PushPriority: String, Sendable, Hashable, Codable, CaseIterable {
    /// Deliver at once, waking the device (APNs 10, FCM `HIGH`, Web Push `Urgency: high`).
    case high
    /// Deliver when convenient for the device's power (APNs 5, FCM `NORMAL`, Web Push `Urgency: normal`).
    case normal
}
