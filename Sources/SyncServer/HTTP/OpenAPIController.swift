import Foundation
import Hummingbird

/// `GET /openapi.yaml`: the OpenAPI document that describes every endpoint (the same file as
/// `docs/openapi.yaml`, bundled with the server).
public struct OpenAPIController: Sendable {
    /// Creates the controller.
    public init() {}

    /// Adds the route.
    public func addRoutes(to router: Router<some RequestContext>) {
        let document = Bundle.module.url(forResource: "openapi", withExtension: "yaml").flatMap { try? Data(contentsOf: $0) } ?? Data()
        router.get("/openapi.yaml") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml"], body: .init(byteBuffer: ByteBuffer(bytes: document)))
        }
    }
}
