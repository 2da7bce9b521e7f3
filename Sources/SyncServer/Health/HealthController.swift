import EventStore
import Hummingbird

/// `GET /health` (the process is up) and `GET /v1/health` (ready: the database answers and the
/// instance is not draining; log head and safe position).
public struct HealthController: Sendable {
    let store: EventStore
    let drain: DrainState

    /// Creates the controller; `drain` tells whether the instance is draining.
    public init(store: EventStore, drain: DrainState = DrainState()) {
        self.store = store
        self.drain = drain
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
            do {
                let status = try await store.status()
                return Readiness(status: "ok", head: status.head, safePosition: status.safePosition)
            } catch {
                throw Problem(.unavailable, "the database is not reachable")
            }
        }
    }
}
