/// The direction of a stream read.
public enum ReadDirection: String, Sendable, Hashable, Codable {
    /// Oldest first, from a version upwards.
    case forwards
    /// Newest first, from a version downwards.
    case backwards
}
