/// Header names of the sync protocol.
public enum SyncHeaders {
    /// The protocol version the client speaks (an integer). Servers answer `426 upgrade_required`
    /// to a version they no longer support.
    public static let protocolVersion = "Tidemark-Protocol"
    /// The standard `Server-Timing` response header of a pull answer: where the server spent its
    /// time (see ``PullServerTiming``).
    public static let serverTiming = "Server-Timing"
}
