import Commands
import Domain
import Foundation
import Hummingbird

/// `POST /v1/users/{user_id}/erase`: an administrator erases a user's personal data
/// (``CommandService/eraseUser(_:envelope:)``: the data key is destroyed and `UserErased`
/// appended in one transaction). Not a mutation: replicas never queue it.
struct ErasureController: Sendable {
    /// Runs the command.
    let commands: CommandService

    /// Adds the route (it needs a signed-in caller; the domain lets only administrators through).
    func addRoutes(to group: RouterGroup<AuthenticatedRequestContext>) {
        group.post("users/:user_id/erase") { _, context in
            try await erase(context: context)
        }
    }

    private func erase(context: AuthenticatedRequestContext) async throws -> Response {
        let raw = context.parameters.get("user_id") ?? ""
        guard let user = UserID(raw) else {
            throw Problem(.invalid, "user_id must be a UUID")
        }
        let identity = context.identity
        let envelope = CommandEnvelope(principal: identity.principal, deviceID: identity.deviceID, correlationID: context.id)
        let outcome = try await commands.eraseUser(user, envelope: envelope)
        return try context.responseEncoder.encode(WriteResult(id: user.description, outcome: outcome), status: .ok)
    }
}
