import Synchronization

/// Whether this instance is draining or shutting down: it was asked to stop and may still serve
/// for a short while (`synccli serve --drain-seconds`), but its readiness answer
/// (`GET /v1/health`) already says `503`, so that a load balancer sends new requests to the other
/// instances before this one stops accepting connections. The graceful shutdown sets it too, at
/// its first step.
public final class DrainState: Sendable {
    private let draining = Atomic<Bool>(false)

    /// Creates a state that is not draining.
    public init() {}

    /// Whether the instance is draining.
    public var isDraining: Bool { draining.load(ordering: .relaxed) }

    /// Starts draining; there is no way back.
    public func begin() { draining.store(true, ordering: .relaxed) }
}
