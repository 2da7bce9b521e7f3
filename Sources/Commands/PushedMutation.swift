import Foundation

/// The pushed mutation a command carries out, so the command's own transaction also records the
/// mutation's answer in `sync_mutations` (one round trip fewer, and "not recorded" then proves
/// "never committed", so the command needs no idempotency pre-check).
public struct PushedMutation: Sendable, Hashable {
    /// The signed-in user's tenant.
    public var tenantID: UUID
    /// The pushing device.
    public var deviceID: UUID
    /// The signed-in user.
    public var userID: UUID
    /// The mutation's id.
    public var id: String
    /// Its sequence number.
    public var seq: Int64
    /// Its name.
    public var name: String

    /// Creates the record.
    public init(tenantID: UUID, deviceID: UUID, userID: UUID, id: String, seq: Int64, name: String) {
        self.tenantID = tenantID
        self.deviceID = deviceID
        self.userID = userID
        self.id = id
        self.seq = seq
        self.name = name
    }
}
