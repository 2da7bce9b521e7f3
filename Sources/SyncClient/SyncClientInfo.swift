import SyncProtocol

/// Facts about this build of the client library.
///
/// The replica, mutation queue and sync loop arrive with the sync issue; this type only pins the
/// protocol version the client will speak.
public enum SyncClientInfo {
    /// The sync protocol version this client speaks.
    public static let protocolVersion = ProtocolVersion.current
}
