import Commands
import Foundation

/// The server's side of the opaque pull cursor: where in the change feed a replica is, in which
/// feed epoch, for which tenant, user and device, and (during a snapshot) which entity and key it
/// reached.
///
/// Clients treat the text as opaque; ``CursorSigner`` makes it tamper-evident. Even so, every
/// field is checked before use (``validated(entityCount:)``, and against the caller and the feed in
/// ``PullService``): a cursor of another tenant, user or device, of an older epoch, or below the
/// pruned part of the feed answers `resync_required`.
struct SyncCursor: Sendable, Hashable, Codable {
    /// The feed epoch the cursor belongs to.
    var epoch: Int64
    /// The tenant it was issued to.
    var tenant: UUID
    /// The user it was issued to.
    var user: UUID
    /// The device it was issued to: `included` counts that device's mutations only.
    var device: UUID
    /// The change-feed position: rows with `(transaction_id, seq)` above it are still to come.
    var transactionID: UInt64
    /// See ``transactionID``.
    var seq: Int64
    /// The highest device sequence number whose effects the client's state holds.
    var included: Int64
    /// While a snapshot is being sent: the index of the entity in ``PullService/entities`` and the
    /// last key sent (nil: from the start of that entity).
    var snapshotEntity: Int?
    /// See ``snapshotEntity``.
    var snapshotKey: String?
    /// A WAL position (an LSN as a number) at or past the commit record of every transaction that
    /// any page of this cursor's chain could see: the most of each page's ``ReadSource`` mark.
    /// A standby serves the next page only once it has replayed this far, so a replica never sees
    /// the server's state go back (see ``PullService``). `nil` in cursors issued before standby
    /// reads: their next page comes from the primary.
    var walMark: UInt64?

    enum CodingKeys: String, CodingKey {
        case epoch = "e", tenant = "n", user = "u", device = "d", transactionID = "t", seq = "s", included = "i"
        case snapshotEntity = "se", snapshotKey = "sk", walMark = "w"
    }

    /// The cursor after checking each field's range and shape (defence in depth: the MAC already
    /// proves this server wrote it).
    ///
    /// - Parameter entityCount: How many entities a snapshot walks through.
    /// - Throws: ``CommandError`` `invalid` for a field out of range.
    func validated(entityCount: Int) throws(CommandError) -> SyncCursor {
        guard epoch >= 0, seq >= 0, (0...SyncPushService.maxSeq).contains(included) else { throw CursorSigner.notIssued }
        switch (snapshotEntity, snapshotKey) {
        case (nil, nil):
            break
        case (let index?, let key):
            guard (0..<entityCount).contains(index) else { throw CursorSigner.notIssued }
            if let key {
                let parts = key.split(separator: ":", omittingEmptySubsequences: false)
                guard (1...2).contains(parts.count), parts.allSatisfy({ UUID(uuidString: String($0)) != nil }) else {
                    throw CursorSigner.notIssued
                }
            }
        case (nil, _?):
            throw CursorSigner.notIssued
        }
        return self
    }
}
