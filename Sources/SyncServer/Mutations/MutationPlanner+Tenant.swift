import Commands
import Domain
import SyncProtocol

extension MutationPlanner {
    /// The builder of the tenant mutation.
    static let tenantBuilders: [MutationName: Builder] = [
        .tenantRename: { _, input throws(CommandError) in
            .command(Tenant.self, id: input.tenant, command: .rename(input.tenant, name: try input.arguments.string("name")))
        }
    ]
}
