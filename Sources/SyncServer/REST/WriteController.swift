import Commands
import Crypto
import Foundation
import Hummingbird
import SyncProtocol

/// The REST write API: every command of the domain as an endpoint (see ``WriteRoute/all``), run
/// through the same ``MutationPlanner`` as pushed mutations. An `Idempotency-Key` header makes
/// a retried request apply once and get the first answer.
public struct WriteController: Sendable {
    /// Runs the commands.
    public let planner: MutationPlanner

    /// Creates the controller.
    public init(planner: MutationPlanner) {
        self.planner = planner
    }

    /// Adds every write route (they need a signed-in caller).
    public func addRoutes(to group: RouterGroup<AuthenticatedRequestContext>) {
        for route in WriteRoute.all {
            group.on(RouterPath(route.path), method: route.method) { request, context in
                try await handle(route, request: request, context: context)
            }
        }
    }

    private func handle(_ route: WriteRoute, request: Request, context: AuthenticatedRequestContext) async throws -> Response {
        let identity = context.identity
        var args: [String: JSONValue] = [:]
        // Not `request.decode`: an empty body is allowed, and any JSON object is taken as it is.
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        if buffer.readableBytes > 0 {
            guard let body = try? JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView)), let members = body.objectValue else {
                throw Problem(.invalid, "the request body must be a JSON object")
            }
            args = members
        }
        for name in route.parameters {
            args[name] = context.parameters.get(name).map(JSONValue.string)
        }
        for (name, value) in route.fixed { args[name] = value }
        var key: String?
        if let header = request.headers.first(where: { $0.name.canonicalName == "idempotency-key" })?.value {
            guard (1...100).contains(header.utf8.count) else {
                throw Problem(.invalid, "Idempotency-Key must be 1-100 bytes")
            }
            key = "h:\(identity.userID):\(header)"
        }
        if let generated = route.generates, args[generated] == nil || args[generated] == .null {
            // With an Idempotency-Key the new id is derived from it, so a retry targets the same entity.
            args[generated] = .string(key.map(Self.derivedID) ?? UUID().uuidString.lowercased())
        }
        // The events' correlation id: the request's id, the client's `X-Request-Id` when it is
        // safe (see `RequestIDMiddleware`).
        let envelope = CommandEnvelope(principal: identity.principal, deviceID: identity.deviceID, idempotencyKey: key, correlationID: context.id)
        let outcome = try await planner.run(route.mutation.rawValue, args: .object(args), envelope: envelope)
        let id = route.generates.flatMap { args[$0]?.stringValue } ?? route.parameters.first.flatMap { args[$0]?.stringValue }
        return try context.responseEncoder.encode(WriteResult(id: id, outcome: outcome), status: route.generates == nil ? .ok : .created)
    }
}

extension WriteController {
    /// A UUID (version 8 layout) derived from an idempotency key.
    static func derivedID(_ key: String) -> String {
        var bytes = Array(SHA256.hash(data: Data(key.utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x80
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let uuid = UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
                bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]
            ))
        return uuid.uuidString.lowercased()
    }
}

/// The answer of a REST write.
struct WriteResult: Encodable {
    var id: String?
    var outcome: CommandOutcome

    enum CodingKeys: String, CodingKey { case id, stream, events, positions, streamVersion = "stream_version", replayed }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(id, forKey: .id)
        try container.encode(outcome.stream, forKey: .stream)
        try container.encode(outcome.eventTypes, forKey: .events)
        try container.encode(outcome.positions, forKey: .positions)
        try container.encode(outcome.streamVersion, forKey: .streamVersion)
        try container.encode(outcome.replayed, forKey: .replayed)
    }
}
