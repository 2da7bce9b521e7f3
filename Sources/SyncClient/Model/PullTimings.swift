/// Where the pull of one ``SyncClient/sync()`` spent its time, summed over its pages.
///
/// The server reports its part of each page in the `Server-Timing` header (`PullServerTiming`);
/// `transfer` is the rest of each request's round trip (from sending it to the body's last byte),
/// so it holds the network, HTTP and queueing. Pages are fetched while the previous one is being
/// written, so the parts overlap and their sum may exceed the sync's wall time.
public struct PullTimings: Sendable, Hashable {
    /// The server reading the pages (its database transactions).
    public var serverQuery: Duration
    /// The server writing the pages as JSON.
    public var serverEncode: Duration
    /// Round trips minus the server's time (zero for a page whose answer had no `Server-Timing`:
    /// its whole round trip is counted here).
    public var transfer: Duration
    /// Reading the pages' JSON on the client.
    public var decode: Duration
    /// Writing the pages into the replica file (one transaction each).
    public var write: Duration

    /// Creates timings (all zero by default).
    public init(serverQuery: Duration = .zero, serverEncode: Duration = .zero, transfer: Duration = .zero, decode: Duration = .zero, write: Duration = .zero) {
        self.serverQuery = serverQuery
        self.serverEncode = serverEncode
        self.transfer = transfer
        self.decode = decode
        self.write = write
    }

    /// Adds each part of `other` to this one.
    public mutating func add(_ other: PullTimings) {
        serverQuery += other.serverQuery
        serverEncode += other.serverEncode
        transfer += other.transfer
        decode += other.decode
        write += other.write
    }
}
