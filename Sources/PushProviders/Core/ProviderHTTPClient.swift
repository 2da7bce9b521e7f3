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

    /// Closes the client when the provider made it.
    func shutdown() async throws {
        if isOwned { try await client.shutdown() }
    }
}
