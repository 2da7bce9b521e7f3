import Hummingbird

/// Refuses a device's push or pull with `429 rate_limited` and `Retry-After` when its token bucket
/// is empty (see ``SyncRateLimits``). Runs in an authenticated route group: the device is the
/// access token's `did`.
public struct DeviceRateLimitMiddleware: RouterMiddleware {
    /// The request context.
    public typealias Context = AuthenticatedRequestContext
    let limiter: DeviceRateLimiter

    init(limiter: DeviceRateLimiter) {
        self.limiter = limiter
    }

    /// Takes a token for pushes and pulls, then passes the request on.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        let kind: DeviceRateLimiter.Kind? =
            path.hasSuffix("/sync/push") ? .push : path.hasSuffix("/sync/pull") ? .pull : nil
        if let kind, let seconds = limiter.take(kind, device: context.identity.deviceID) {
            throw Problem(.rateLimited, "too many \(kind.rawValue) requests from this device; try again in \(seconds) s", retryAfter: seconds)
        }
        return try await next(request, context)
    }
}
