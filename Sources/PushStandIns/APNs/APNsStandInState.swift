import Foundation
import NIOCore
import PushProviders

/// The mutable state of one ``APNsStandIn``, kept behind its mutex.
struct APNsStandInState {
    /// A scripted reply and how many more requests it answers (`nil`: all of them).
    struct ScriptEntry {
        var reply: APNsStandIn.Reply
        var remaining: Int?
    }

    var scripts: [String: [ScriptEntry]] = [:]
    var credentialRejection: APNsReason?
    var deliveries: [APNsStandIn.Delivery] = []
    var deliveriesByToken: [String: Int] = [:]
    /// What each device shows, by token: accepted notifications, oldest first, where a newer one
    /// with the same `apns-collapse-id` replaced the older.
    var shown: [String: [APNsStandIn.Delivery]] = [:]
    var requestCount = 0
    /// Provider tokens whose signature, `kid` and `iss` were verified, with their `iat`.
    var verifiedProviderTokens: [String: Int] = [:]
    /// The newest `iat` accepted for the key.
    var latestIssuedAt: Int?
    /// Set after answering `ExpiredProviderToken`: the next new token is welcome however soon it comes.
    var tokenUpdateAllowed = false
    /// Every distinct `iat` accepted, in the order first seen.
    var issuedAtsSeen: [Int] = []
    var serverChannel: (any Channel)?
    var connections: [ObjectIdentifier: any Channel] = [:]
    var connectionCount = 0
    var port: Int?

    /// Puts an accepted notification on its device: it replaces one shown with the same
    /// `apns-collapse-id` (APNs merges those), else it is added.
    mutating func show(_ delivery: APNsStandIn.Delivery) {
        var notifications = shown[delivery.token] ?? []
        if let collapseID = delivery.headers["apns-collapse-id"] {
            notifications.removeAll { $0.headers["apns-collapse-id"] == collapseID }
        }
        notifications.append(delivery)
        shown[delivery.token] = notifications
    }

    /// Takes the next scripted reply for `token`, if any.
    mutating func nextScriptedReply(for token: String) -> APNsStandIn.Reply? {
        guard var entries = scripts[token], !entries.isEmpty else { return nil }
        let reply = entries[0].reply
        if let remaining = entries[0].remaining {
            if remaining <= 1 {
                entries.removeFirst()
            } else {
                entries[0].remaining = remaining - 1
            }
        }
        scripts[token] = entries.isEmpty ? nil : entries
        return reply
    }
}
