/// A text frame the server sends on the `/v1/sync/live` WebSocket.
public struct LiveMessage: Sendable, Hashable, Codable {
    /// `hello` once after connecting, `poke` when the user's partitions changed (pull now).
    public var type: String

    /// Creates a message.
    public init(type: String) { self.type = type }

    /// The greeting after the upgrade.
    public static let hello = LiveMessage(type: "hello")
    /// Something changed: pull.
    public static let poke = LiveMessage(type: "poke")
}
