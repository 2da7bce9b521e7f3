import Foundation

/// Everything a decision needs besides the command and the state: who and when.
public struct CommandContext: Sendable {
    /// The principal sending the command.
    public let principal: Principal
    /// The current time, as seen by the caller. Decisions never read a clock.
    public let now: Date
    /// The device the command was sent from, if known.
    public let deviceID: DeviceID?

    /// Creates a context.
    public init(principal: Principal, now: Date, deviceID: DeviceID? = nil) {
        self.principal = principal
        self.now = now
        self.deviceID = deviceID
    }

    /// `now` truncated to the millisecond precision events are stored with.
    public var timestamp: Date {
        WireDate.normalized(now)
    }
}
