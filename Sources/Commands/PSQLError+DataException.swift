import EventStore
import PostgresNIO

extension PSQLError {
    /// Whether PostgreSQL refused a value the request carried (SQLSTATE class 22, "data
    /// exception": a text with U+0000, a number or date out of range, an invalid escape…).
    ///
    /// Such a failure is the caller's input, not the database being away: it is answered as
    /// `invalid` (400, or a per-mutation rejection in a push), never as a retryable 503, or a
    /// client retrying it unchanged would be stuck for good.
    package var isDataException: Bool { sqlState?.raw.hasPrefix("22") ?? false }

    /// A message for a data exception that a person understands, without database text.
    package var dataExceptionMessage: String {
        switch sqlState {
        case .characterNotInRepertoire?, .untranslatableCharacter?: "a text value contains a character that cannot be stored (such as U+0000)"
        case .numericValueOutOfRange?: "a number is out of the range that can be stored"
        case .stringDataRightTruncationException?: "a text value is longer than can be stored"
        case .invalidDatetimeFormat?, .datetimeFieldOverflow?: "a date or time is out of the range that can be stored"
        default: "a value cannot be stored as given"
        }
    }
}

extension CommandError {
    /// The refusal of a value PostgreSQL could not store (SQLSTATE class 22).
    package static func dataException(_ error: PSQLError) -> CommandError {
        CommandError(.invalid, error.dataExceptionMessage, underlying: error)
    }
}
