import PostgresNIO

/// An error raised by the event store, with a stable ``Code`` that callers can branch on.
///
/// The ``message`` is written for a person and never contains database text: database errors are
/// converted at the repository boundary, and the original error is kept only in ``underlying`` for logs.
public struct EventStoreError: Error, Sendable, CustomStringConvertible {
    /// A stable, machine-readable error code. New codes may be added without breaking callers;
    /// only this module mints codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The wire name of the code, for example `version_conflict`.
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }
        /// The wire name.
        public var description: String { rawValue }

        /// The stream is not at the version the caller expected.
        public static let versionConflict = Code("version_conflict")
        /// An append carried no events.
        public static let emptyBatch = Code("empty_batch")
        /// A stream name breaks the naming rules (`category-id`).
        public static let invalidStreamName = Code("invalid_stream_name")
        /// An event's data and metadata exceed the configured size.
        public static let payloadTooLarge = Code("payload_too_large")
        /// An event's data is not a JSON object.
        public static let invalidJSON = Code("invalid_json")
        /// An event type name or schema version is not acceptable.
        public static let invalidEventType = Code("invalid_event_type")
        /// An event id was already stored by a different append.
        public static let duplicateEventID = Code("duplicate_event_id")
        /// A read or append argument is out of range.
        public static let invalidArgument = Code("invalid_argument")
        /// The database holds migrations this build does not know.
        public static let databaseNewerThanCode = Code("database_newer_than_code")
        /// Applying a migration failed; nothing of it was kept.
        public static let migrationFailed = Code("migration_failed")
        /// `DATABASE_URL` cannot be parsed.
        public static let invalidDatabaseURL = Code("invalid_database_url")
        /// The transaction collided with a concurrent one (a deadlock or serialization failure) and was
        /// rolled back; running it again is safe.
        public static let concurrencyConflict = Code("concurrency_conflict")
        /// The database failed or could not be reached.
        public static let database = Code("database")
        /// A table the store needs does not exist yet: the migrations have not been applied.
        public static let notMigrated = Code("not_migrated")
        /// PostgreSQL refused a value as data (SQLSTATE class 22: a text with U+0000, a number or
        /// a date out of range): the caller's input, not a failure of the database; retrying it
        /// unchanged fails again.
        public static let unstorableValue = Code("unstorable_value")
        /// An export file cannot be imported: truncated, corrupted, a wrong checksum, or not an
        /// export at all. Nothing was written.
        public static let invalidArchive = Code("invalid_archive")
        /// An import was refused because the target log already holds events. Nothing was written.
        public static let logNotEmpty = Code("log_not_empty")
        /// A file could not be read or written.
        public static let fileFailed = Code("file_failed")
    }

    /// The stable error code.
    public let code: Code
    /// A message a person understands. Never contains database error text.
    public let message: String
    /// The stream the error concerns, if any.
    public var stream: String?
    /// The version the caller expected, for ``Code/versionConflict``.
    public var expectedVersion: ExpectedVersion?
    /// The stream's actual version, for ``Code/versionConflict``.
    public var actualVersion: Int64?
    /// The original error, for logging only (use `String(reflecting:)`); never show it to a client.
    public var underlying: (any Error & Sendable)?

    /// Creates an error.
    /// - Parameters:
    ///   - code: The stable error code.
    ///   - message: A message a person understands.
    ///   - stream: The stream the error concerns.
    ///   - underlying: The original error, kept for logs.
    package init(_ code: Code, _ message: String, stream: String? = nil, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.stream = stream
        self.underlying = underlying
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }

    /// A version conflict naming the stream, the expected and the actual version.
    static func versionConflict(stream: StreamName, expected: ExpectedVersion, actual: Int64) -> EventStoreError {
        var error = EventStoreError(
            .versionConflict,
            "stream '\(stream)' is at version \(actual), but the append expected \(expected)",
            stream: stream.rawValue
        )
        error.expectedVersion = expected
        error.actualVersion = actual
        return error
    }

    /// Wraps a database failure without exposing its text.
    static func database(_ error: any Error, while action: String) -> EventStoreError {
        if let storeError = error as? EventStoreError { return storeError }
        if let transaction = error as? PostgresTransactionError,
            let cause = transaction.closureError ?? transaction.beginError ?? transaction.commitError
        {
            return database(cause, while: action)
        }
        let state = (error as? PSQLError)?.sqlState
        if state == .deadlockDetected || state == .serializationFailure {
            return EventStoreError(
                .concurrencyConflict,
                "the transaction collided with a concurrent one while \(action) and was rolled back; retry it",
                underlying: SendableErrorBox(error)
            )
        }
        if let state, state.raw.hasPrefix("22") {
            return EventStoreError(
                .unstorableValue, "a value could not be stored while \(action) (such as a text with U+0000)",
                underlying: SendableErrorBox(error)
            )
        }
        return EventStoreError(.database, "the database failed while \(action)", underlying: SendableErrorBox(error))
    }
}

/// Carries a non-`Sendable` error's description across isolation boundaries for logging.
struct SendableErrorBox: Error, Sendable, CustomDebugStringConvertible {
    /// `String(reflecting:)` of the original error.
    let debugDescription: String
    init(_ error: any Error) { self.debugDescription = String(reflecting: error) }
}
