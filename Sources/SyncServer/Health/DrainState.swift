import Synchronization

/// Whether this instance is draining: it was asked to stop and still serves for a short while,
/// but its readiness answer (`GET /v1/health`) already says `503`, so that a load balancer sends
/// new requests to the other instances before this one stops accepting connections.
public final class DrainState: Sendable {
    private let draining = Atomic<Bool>(false)

    /// Creates a state that is not draining.
    public init() {}

    /// Whether the instance is draining.
    public var isDraining: Bool { draining.load(ordering: .relaxed) }

    /// Starts draining; there is no way back.
    public func begin() { draining.store(true, ordering: .relaxed) }
}
