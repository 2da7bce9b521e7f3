import CoreMetrics
import Hummingbird
import Logging

/// Counts and times every answer the server writes (``HTTPMetrics``) and logs one line per
/// request, `request finished`, with the request's logger (so with its `hb.request.id`): the
/// method, route, path (its first 256 characters), status and duration in milliseconds. Health checks and scrapes
/// (`/health`, `/v1/health`, `/metrics`) are logged at `debug`, everything else at `info`.
///
/// A request is measured from the moment it reaches the middleware until its answer is made
/// (the server's answers are buffered, so writing them adds little; a post-write hook of
/// Hummingbird's is not public, and one that never ran would leave a request in flight forever).
struct HTTPMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Where requests are counted.
    let metrics: HTTPMetrics

    /// The paths logged at `debug`: polled by load balancers and Prometheus.
    static var quietPaths: Set<String> { ["/health", "/v1/health", "/metrics"] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let metrics = metrics
        metrics.inFlight.increment()
        do {
            let response = try await next(request, context)
            metrics.inFlight.decrement()
            Self.finished(request, context: context, status: response.status, start: start, metrics: metrics)
            return response
        } catch {
            metrics.inFlight.decrement()
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            Self.finished(request, context: context, status: status, start: start, metrics: metrics)
            throw error
        }
    }

    private static func finished(
        _ request: Request, context: Context, status: HTTPResponse.Status, start: ContinuousClock.Instant, metrics: HTTPMetrics
    ) {
        let duration = ContinuousClock.now - start
        let route = HTTPMetrics.route(context.endpointPath)
        metrics.record(route: route, method: request.method, status: status, duration: duration)
        let microseconds = duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
        context.logger.log(
            level: quietPaths.contains(request.uri.path) ? .debug : .info,
            "request finished",
            metadata: [
                "http.method": "\(request.method.rawValue)",
                "http.route": "\(route)",
                "http.path": "\(request.uri.path.prefix(256))",
                "http.status": "\(status.code)",
                "duration_ms": "\(Double(microseconds) / 1000)",
            ]
        )
    }
}
