/// Something that delivers a ``PushMessage`` to one device through one push service.
///
/// Implementations speak the provider's real protocol over HTTP and map every reply and every
/// transport error to a ``PushOutcome``; they never throw from ``send(_:)``. They are safe to call
/// from many tasks at once and reuse their connections and credentials between calls. Whoever
/// owns a provider calls ``shutdown()`` before releasing it: an HTTP client released open traps
/// in debug builds and leaks in release builds.
public protocol PushProvider: Sendable {
    /// The provider's name as stored on devices and deliveries: `apns`, `fcm`, `webpush` or `webhook`.
    var name: String { get }

    /// Sends one message and reports what became of it.
    func send(_ message: PushMessage) async -> PushOutcome

    /// Closes the provider's connections and its HTTP client, if it made that client. Sends in
    /// flight end in ``PushOutcome/retry(reason:after:)``; later sends fail the same way. Calling
    /// it again does nothing.
    ///
    /// - Throws: When the client cannot be shut down cleanly.
    func shutdown() async throws

    /// Keeps the provider's own authentication token in `store` from now on, so that a restarted
    /// or second instance reuses it (the APNs provider token); providers without such a token
    /// ignore it.
    func useTokenStore(_ store: any ProviderTokenStore)
}

extension PushProvider {
    /// Ignores the store: the provider has no token that other instances could reuse.
    public func useTokenStore(_ store: any ProviderTokenStore) {}
}
