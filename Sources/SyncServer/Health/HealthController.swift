import EventStore
import Hummingbird

/// `GET /health` (the process is up) and `GET /v1/health` (the database answers; log head and safe position).
public struct HealthController: Sendable {
    let store: EventStore

    /// Creates the controller.
    public init(store: EventStore) { self.store = store }

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
            do {
                let status = try await store.status()
                return Readiness(status: "ok", head: status.head, safePosition: status.safePosition)
            } catch {
                throw Problem(.unavailable, "the database is not reachable")
            }
        }
    }
}
