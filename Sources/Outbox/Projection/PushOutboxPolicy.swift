import Foundation

/// How long each kind of push stays worth sending, and how urgent it is.
public struct PushOutboxPolicy: Sendable, Equatable {
    /// Lifetime of a notification's push.
    public var notificationTTL: Duration
    /// Lifetime of an announcement's push.
    public var announcementTTL: Duration
    /// Lifetime of an order update's push.
    public var orderTTL: Duration

    /// Creates a policy; the defaults are a day for notifications and orders, three days for announcements.
    public init(notificationTTL: Duration = .seconds(86_400), announcementTTL: Duration = .seconds(3 * 86_400), orderTTL: Duration = .seconds(86_400)) {
        self.notificationTTL = notificationTTL
        self.announcementTTL = announcementTTL
        self.orderTTL = orderTTL
    }
}
