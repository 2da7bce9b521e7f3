import Hummingbird
import SyncProtocol

/// Answers `426 upgrade_required` to a client whose `Tidemark-Protocol` is older than the oldest
/// version this server still speaks, before it can read or write anything in an old format.
///
/// Only a well-formed version can be too old: 1 to 9 ASCII digits (0 to 999,999,999). Anything
/// else (a sign, spaces, letters, more digits, an empty value) is `400 invalid`, so `-1` and a
/// 25-digit number are refused alike.
public struct ProtocolVersionMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The oldest supported version.
    public let minimum: ProtocolVersion

    /// Creates the middleware.
    public init(minimum: ProtocolVersion = .current) { self.minimum = minimum }

    /// Checks the header, then passes the request on.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let value = request.headers.first(where: { $0.name.canonicalName == SyncHeaders.protocolVersion.lowercased() })?.value {
            guard let version = Self.version(value) else {
                throw Problem(.invalid, "\(SyncHeaders.protocolVersion) must be a whole number from 0 to 999999999")
            }
            if version < minimum {
                throw Problem(.upgradeRequired, "this app speaks sync protocol \(version); the server needs \(minimum) or newer: update the app")
            }
        }
        return try await next(request, context)
    }

    /// The version a header value names, or `nil` when it is not 1-9 ASCII digits.
    static func version(_ value: String) -> ProtocolVersion? {
        let digits = value.utf8
        guard (1...9).contains(digits.count), digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            let number = Int(value)
        else { return nil }
        return ProtocolVersion(number)
    }
}
