import EventStore
import Hummingbird

/// `GET /health` (the process is up) and `GET /v1/health` (ready: the instance is not draining or
/// shutting down, and the database answers and takes writes; log head and safe position).
///
/// The database is asked at most once a second (``ReadinessProbe``); draining answers at once.
public struct HealthController: Sendable {
    let store: EventStore
    let drain: DrainState
    let probe: ReadinessProbe

    /// Creates the controller; `drain` tells whether the instance is draining or shutting down.
    public init(store: EventStore, drain: DrainState = DrainState()) {
        self.store = store
        self.drain = drain
        self.probe = ReadinessProbe(store: store)
    }

    /// The readiness answer.
    public struct Readiness: ResponseEncodable, Sendable {
        /// `ok` or `unavailable`.
        public var status: String
        /// The highest committed log position.
        public var head: Int64
        /// The highest gap-free readable position.
        public var safePosition: Int64
    }

    /// The liveness answer.
    public struct Liveness: ResponseEncodable, Sendable {
        /// Always `ok`.
        public var status: String
    }

    /// Adds the routes.
    public func addRoutes(to router: Router<some RequestContext>) {
        router.get("/health") { _, _ in Liveness(status: "ok") }
        router.get("/v1/health") { _, _ in
            guard !drain.isDraining else {
                throw Problem(.unavailable, "this instance is shutting down; send requests to another one")
            }
            switch await probe.check() {
            case .ready(let head, let safePosition):
                return Readiness(status: "ok", head: head, safePosition: safePosition)
            case .inRecovery:
                throw Problem(.unavailable, "the database this instance writes to is in recovery (a standby): it cannot take writes")
            case .unreachable:
                throw Problem(.unavailable, "the database is not reachable")
            }
        }
    }
}
