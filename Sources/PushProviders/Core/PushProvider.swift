/// Something that delivers a ``PushMessage`` to one device through one push service.
///
/// Implementations speak the provider's real protocol over HTTP and map every reply and every
/// transport error to a ``PushOutcome``; they never throw from ``send(_:)``. They are safe to call
/// from many tasks at once and reuse their connections and credentials between calls.
public protocol PushProvider: Sendable {
    /// The provider's name as stored on devices and deliveries: `apns`, `fcm`, `webpush` or `webhook`.
    var name: String { get }

    /// Sends one message and reports what became of it.
    func send(_ message: PushMessage) async -> PushOutcome
}
