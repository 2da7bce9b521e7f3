import AsyncHTTPClient
import NIOSSL

/// The `HTTPClient` of a provider: one it was given (and leaves open) or one it made (and closes).
struct ProviderHTTPClient: Sendable {
    /// The client.
    let client: HTTPClient
    /// Whether ``shutdown()`` closes it.
    let isOwned: Bool

    /// Uses `given`, or makes a client trusting `trustRoots` (the system's when `nil`).
    init(given: HTTPClient?, trustRoots: [NIOSSLCertificate]?) {
        if let given {
            client = given
            isOwned = false
        } else {
            client = PushHTTPClientFactory.makeClient(trustRoots: trustRoots)
            isOwned = true
        }
    }

    /// Closes the client when the provider made it; a second call does nothing.
    func shutdown() async throws {
        if isOwned { try await Self.shutdown(client) }
    }

    /// Shuts `client` down; one already shut down is fine.
    static func shutdown(_ client: HTTPClient) async throws {
        do {
            try await client.shutdown()
        } catch let error as HTTPClientError where error == .alreadyShutdown {
            return
        }
    }
}
