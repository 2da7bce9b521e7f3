import Foundation

/// How far the log can be read gap-free, and what holds readers back.
public struct LogStatus: Sendable, Codable, Hashable {
    /// A transaction that is still running and holds the safe horizon back.
    public struct OpenTransaction: Sendable, Codable, Hashable {
        /// The backend's process id (`pg_terminate_backend` takes it), or `nil` for a prepared transaction.
        public var pid: Int32?
        /// The database it runs in.
        public var database: String?
        /// The role running it.
        public var user: String?
        /// Its `application_name`.
        public var application: String?
        /// `active`, `idle in transaction`, … or `prepared`.
        public var state: String?
        /// Its top-level transaction id.
        public var transactionID: String
        /// Seconds since the transaction began.
        public var ageSeconds: Double
        /// The start of its current or last query, cut to 200 characters.
        public var query: String?
    }

    /// The highest committed position.
    public var head: Int64
    /// The highest position below which every committed event is readable gap-free.
    public var safePosition: Int64
    /// Committed events that readers cannot take yet because an older transaction is still open.
    public var eventsBehindHorizon: Int64
    /// The oldest transaction id still running (`pg_snapshot_xmin`).
    public var horizonTransactionID: String
    /// The running transactions that hold a transaction id, oldest first (at most 5).
    public var openTransactions: [OpenTransaction]
    /// `true` when readers lag the head and the oldest open transaction is older than the threshold.
    public var stalled: Bool
    /// The age, in seconds, after which an open transaction counts as stalling readers.
    public var stallThresholdSeconds: Double

    /// Creates a status value.
    public init(
        head: Int64, safePosition: Int64, eventsBehindHorizon: Int64, horizonTransactionID: String,
        openTransactions: [OpenTransaction], stalled: Bool, stallThresholdSeconds: Double
    ) {
        self.head = head
        self.safePosition = safePosition
        self.eventsBehindHorizon = eventsBehindHorizon
        self.horizonTransactionID = horizonTransactionID
        self.openTransactions = openTransactions
        self.stalled = stalled
        self.stallThresholdSeconds = stallThresholdSeconds
    }
}
