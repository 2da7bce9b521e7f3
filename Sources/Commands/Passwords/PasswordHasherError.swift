/// Why a ``PasswordHasher`` call failed.
public enum PasswordHasherError: Error, Sendable, Equatable {
    /// The cost, password or stored hash is not acceptable to bcrypt.
    case invalid(BcryptError)
    /// The hasher's thread pool has been shut down (the server is stopping).
    case unavailable
    /// As many calls as the hasher queues are under way: try again in a moment.
    case busy
    /// The calling task was cancelled while the call waited for a thread (nothing was computed).
    case cancelled
}
