import Foundation

/// A message the outbox fans out to the devices of its receivers.
struct OutboxMessage: Sendable {
    /// Who receives it.
    enum Audience: Sendable {
        /// These users.
        case users([String])
        /// Every active user of the tenant.
        case tenant(String)
    }

    /// What a user can mute: a notification's type, `announcement` or `order`.
    var kind: String
    var audience: Audience
    var title: String
    var body: String
    var data: [String: String]
    var collapseKey: String?
    var priority: String
    var ttl: Duration
}
