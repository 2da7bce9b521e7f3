import CoreMetrics
import HTTPTypes
import Metrics
import Synchronization

/// The HTTP server's metrics, made from an explicit factory (no global bootstrap):
/// `tidemark_http_requests_total{route,method,status}`,
/// `tidemark_http_request_duration_seconds{route,method,status}` (a histogram) and
/// `tidemark_http_requests_in_flight`.
///
/// Every label has a bounded set of values, whatever clients send: `route` is the route pattern
/// the router matched (`/v1/todos/{todo_id}`), `unmatched` for a path no route serves and
/// `unrouted` for an answer made before routing (a body over the limit); `method` is one of the
/// methods of RFC 9110 and PATCH, else `other`; `status` is the numeric status code.
final class HTTPMetrics: Sendable {
    private struct Key: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    private let factory: any MetricsFactory
    /// Requests being handled (until their answer is written).
    let inFlight: Meter
    private let series = Mutex<[Key: (requests: CoreMetrics.Counter, duration: CoreMetrics.Timer)]>([:])

    /// Creates metrics recorded through `factory` (by default, nowhere).
    init(factory: any MetricsFactory = NOOPMetricsHandler.instance) {
        self.factory = factory
        self.inFlight = Meter(label: "tidemark_http_requests_in_flight", factory: factory)
    }

    /// The methods that get a label value of their own.
    private static let methods: Set<HTTPRequest.Method> = [.get, .head, .post, .put, .delete, .connect, .options, .trace, .patch]

    /// The `route` label of a request the router named `endpoint`.
    static func route(_ endpoint: String?) -> String {
        switch endpoint {
        case nil: "unrouted"
        case "NotFound"?: "unmatched"
        case let endpoint?: endpoint
        }
    }

    /// The `method` label of `method`.
    static func method(_ method: HTTPRequest.Method) -> String {
        methods.contains(method) ? method.rawValue : "other"
    }

    /// Records one answered request.
    func record(route: String, method: HTTPRequest.Method, status: HTTPResponse.Status, duration: Duration) {
        let key = Key(route: route, method: Self.method(method), status: status.code)
        let (requests, timer) = series.withLock { series in
            if let existing = series[key] { return existing }
            let dimensions = [("route", key.route), ("method", key.method), ("status", String(key.status))]
            let made = (
                CoreMetrics.Counter(label: "tidemark_http_requests_total", dimensions: dimensions, factory: factory),
                CoreMetrics.Timer(label: "tidemark_http_request_duration_seconds", dimensions: dimensions, preferredDisplayUnit: .seconds, factory: factory)
            )
            series[key] = made
            return made
        }
        requests.increment()
        timer.record(duration: duration)
    }
}
