import AsyncHTTPClient
import NIOCore
import NIOSSL

/// Builds the `HTTPClient`s the Web Push, FCM and webhook providers own, and converts their timeouts.
enum PushHTTPClientFactory {
    /// A client on the shared event loop group; `trustRoots`, when given, replace the system roots.
    static func makeClient(trustRoots: [NIOSSLCertificate]?) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        var tls = TLSConfiguration.makeClientConfiguration()
        if let trustRoots {
            tls.trustRoots = .certificates(trustRoots)
        }
        configuration.tlsConfiguration = tls
        configuration.redirectConfiguration = .disallow
        configuration.timeout.connect = .seconds(10)
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// `duration` as a NIO `TimeAmount` (at least one millisecond).
    static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        return .nanoseconds(max(1_000_000, nanoseconds))
    }

    /// A short text for a transport error, and whether it was the request timeout.
    static func describe(_ error: any Error) -> String {
        if let clientError = error as? HTTPClientError {
            if clientError == .deadlineExceeded || clientError == .readTimeout || clientError == .connectTimeout {
                return "timeout: \(clientError)"
            }
            return "transport: \(clientError)"
        }
        return "transport: \(error)"
    }
}
