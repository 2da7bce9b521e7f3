import Domain

/// Whose sync state a push or pull reads and writes: a device as used by one user of one tenant.
///
/// Sequence numbers, stored answers, `included_seq` and cursors belong to this triple, never to the
/// client-chosen device id alone: a device id used by another user (of any tenant) is a new device
/// for that user, never a view into the first user's state.
struct SyncDevice: Sendable, Hashable {
    /// The tenant.
    var tenantID: TenantID
    /// The user.
    var userID: UserID
    /// The device id of the session.
    var deviceID: DeviceID

    /// A device by its three ids.
    init(tenantID: TenantID, userID: UserID, deviceID: DeviceID) {
        self.tenantID = tenantID
        self.userID = userID
        self.deviceID = deviceID
    }

    /// The device of a signed-in caller.
    init(_ identity: Identity) {
        self.tenantID = identity.tenantID
        self.userID = identity.userID
        self.deviceID = identity.deviceID
    }
}
