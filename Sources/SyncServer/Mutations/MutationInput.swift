import Commands
import Domain
import SyncProtocol

/// A mutation on its way to becoming a command: its name, its checked arguments and who sends it.
struct MutationInput: Sendable {
    /// The mutation.
    let name: MutationName
    /// Its arguments.
    let arguments: MutationArguments
    /// Who sends it.
    let principal: Principal
    /// The sender's tenant.
    let tenant: TenantID

    /// The signed-in user sending the mutation.
    /// - Throws: ``CommandError`` `forbidden` ("sign in first") for a principal that is no user.
    func user() throws(CommandError) -> UserID {
        guard let user = principal.userID else { throw CommandError(.forbidden, "sign in first") }
        return user
    }
}
