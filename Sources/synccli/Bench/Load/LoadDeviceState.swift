import Foundation
import SyncProtocol

/// What one simulated device keeps between its cycles: its session, its pull cursor, its sequence
/// numbers, the todos it may still edit, and the answers it got.
struct LoadDeviceState: Sendable {
    /// A push sent but not answered yet: retried unchanged (same ids and `seq`s) next cycle.
    struct PendingPush: Sendable {
        let request: SyncPushRequest
        /// Where its mutations are in ``LoadDeviceState/ledger``, in request order.
        let entries: [Int]
    }

    /// The current tokens; `nil` before the first sign-in, or when the session must be signed in again.
    var tokens: TokenResponse?
    /// When the tokens were issued.
    var issued = ContinuousClock.now
    /// Set by a `401`: refresh before the next request.
    var refreshDue = false
    /// The pull cursor (`nil`: a snapshot comes next).
    var cursor: String?
    /// The last `seq` used.
    var seq: Int64 = 0
    /// Todos this device created and has not completed: the ones it edits and completes.
    var openTodos: [String] = []
    /// `notification.read`s sent so far, from a random start (they go round the device's share of
    /// the notifications, so the devices of a group do not all read the same one first; once all are
    /// read, a read applies with no events).
    var reads = Int.random(in: 0..<1000)
    /// The push to retry, if the last one got no answer.
    var pending: PendingPush?
    /// Every mutation pushed, with its answer.
    var ledger: [LoadLedgerEntry] = []
    /// Mutations the server rejected.
    var rejected = 0

    /// The access token needs refreshing: a `401` said so, or it expires within 30 seconds (a cycle
    /// is at most 1.5 times `--interval-ms` apart, so keep that below 30 s for long runs).
    var needsRefresh: Bool {
        guard let tokens else { return false }
        return refreshDue || ContinuousClock.now - issued > .seconds(max(0, tokens.expiresIn - 30))
    }

    /// A new push of 1 to 5 mutations: creating a todo, editing or completing one of this device's
    /// open todos, or reading one of `notifications`; its mutations enter the ledger unanswered.
    mutating func newPush(notifications: [String]) -> PendingPush? {
        guard let tokens else { return nil }
        var mutations: [Mutation] = []
        var entries: [Int] = []
        for _ in 0..<Int.random(in: 1...5) {
            seq += 1
            let id = UUID().uuidString.lowercased()
            let (name, args) = nextMutation(notifications: notifications)
            mutations.append(Mutation(id: id, seq: seq, name: name, args: args))
            entries.append(ledger.count)
            ledger.append(LoadLedgerEntry(key: "m2:\(tokens.tenantID):\(tokens.userID):\(tokens.deviceID):\(id)".lowercased(), positions: nil))
        }
        return PendingPush(request: SyncPushRequest(mutations: mutations), entries: entries)
    }

    /// Records the answer to `push`; returns whether any of its mutations appended events.
    mutating func answered(_ push: PendingPush, _ response: SyncPushResponse) -> Bool {
        var appended = false
        for (index, result) in zip(push.entries, response.results) {
            ledger[index].positions = result.positions
            if result.status == .rejected { rejected += 1 }
            if !result.positions.isEmpty { appended = true }
        }
        return appended
    }

    private mutating func nextMutation(notifications: [String]) -> (String, JSONValue) {
        let roll = Double.random(in: 0..<1)
        if roll < 0.15, !notifications.isEmpty {
            defer { reads += 1 }
            return ("notification.read", .object(["notification_id": .string(notifications[reads % notifications.count])]))
        }
        if roll < 0.45 || openTodos.isEmpty {
            let id = UUID().uuidString.lowercased()
            openTodos.append(id)
            return ("todo.create", .object(["todo_id": .string(id), "title": .string("load \(seq)")]))
        }
        let pick = Int.random(in: 0..<openTodos.count)
        if roll < 0.8 {
            return ("todo.edit", .object(["todo_id": .string(openTodos[pick]), "title": .string("edited \(seq)")]))
        }
        return ("todo.complete", .object(["todo_id": .string(openTodos.remove(at: pick))]))
    }
}
