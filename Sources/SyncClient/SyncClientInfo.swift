import SyncProtocol

/// Facts about this build of the client library.
///
/// The replica, the mutation queue and the sync loop are ``SyncClient``; this type only pins the
/// protocol version the client speaks.
public enum SyncClientInfo {
    /// The sync protocol version this client speaks.
    public static let protocolVersion = ProtocolVersion.current
}
