/// Which fields of one event type hold personal data, and whose: the payload member
/// ``ownerField`` names the user (a UUID string) whose data key seals ``fields``.
///
/// The rule applies only to a payload that holds ``ownerField``: an event type whose fields are
/// personal only sometimes (the texts of a todo its owner marked as personal data) carries the
/// member only then. The domain sets that member from its own state, never from a client's
/// input, so a reader opens envelopes exactly where the server sealed them.
public struct PersonalFieldRule: Sendable, Equatable {
    /// The personal fields: top-level string members of the payload.
    public var fields: [String]
    /// The payload member naming the user whose data the fields are.
    public var ownerField: String

    /// Creates a rule.
    /// - Parameters:
    ///   - fields: The personal fields.
    ///   - ownerField: The member naming their owner (default `userID`).
    public init(_ fields: [String], ownerField: String = "userID") {
        self.fields = fields
        self.ownerField = ownerField
    }
}
