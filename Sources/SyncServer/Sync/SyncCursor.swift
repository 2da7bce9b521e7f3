import Foundation

/// The server's side of the opaque pull cursor: where in the change feed a replica is, in which
/// feed epoch, for whom, and (during a snapshot) which entity and key it reached.
///
/// Clients treat the base64url text as opaque. A cursor of another user, of an older epoch, or
/// below the pruned part of the feed answers `resync_required`.
struct SyncCursor: Sendable, Hashable, Codable {
    /// The feed epoch the cursor belongs to.
    var epoch: Int64
    /// The user it was issued to.
    var user: String
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

    enum CodingKeys: String, CodingKey {
        case epoch = "e", user = "u", transactionID = "t", seq = "s", included = "i", snapshotEntity = "se", snapshotKey = "sk"
    }

    /// The text form.
    var encoded: String {
        let data = (try? JSONEncoder().encode(self)) ?? Data()
        return TokenSigner.base64URL(data)
    }

    /// Parses the text form, or returns `nil` when it is not a cursor.
    init?(encoded text: String) {
        guard text.utf8.count <= 512, let data = TokenSigner.decodeBase64URL(Substring(text)),
              let cursor = try? JSONDecoder().decode(SyncCursor.self, from: data)
        else { return nil }
        self = cursor
    }

    init(epoch: Int64, user: String, transactionID: UInt64, seq: Int64, included: Int64, snapshotEntity: Int?, snapshotKey: String?) {
        self.epoch = epoch
        self.user = user
        self.transactionID = transactionID
        self.seq = seq
        self.included = included
        self.snapshotEntity = snapshotEntity
        self.snapshotKey = snapshotKey
    }
}
