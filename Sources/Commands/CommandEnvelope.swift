import Domain
import Foundation

/// Who sends a command, from where, and the key that makes a retry apply once.
public struct CommandEnvelope: Sendable, Hashable {
    /// The caller, as authenticated.
    public var principal: Principal
    /// The device the command came from, if any.
    public var deviceID: DeviceID?
    /// A client-chosen key (a UUID, a mutation id…). The same key always gets the same answer and
    /// the command's events are stored once. `nil` disables idempotency for this command.
    public var idempotencyKey: String?
    /// Groups the events of one request or workflow.
    public var correlationID: String?
    /// The id of what caused this command (an event, a mutation).
    public var causationID: String?
    /// The pushed mutation this command carries out, recorded in the same transaction.
    public var mutation: PushedMutation?

    /// Creates an envelope.
    public init(
        principal: Principal,
        deviceID: DeviceID? = nil,
        idempotencyKey: String? = nil,
        correlationID: String? = nil,
        causationID: String? = nil
    ) {
        self.principal = principal
        self.deviceID = deviceID
        self.idempotencyKey = idempotencyKey
        self.correlationID = correlationID
        self.causationID = causationID
    }

    /// The actor id written into event metadata.
    package var actorID: String {
        principal.userID?.description ?? principal.kind.rawValue
    }
}
