import ArgumentParser
import CommandLineSupport
import Foundation
import SyncClient
import SyncProtocol

/// `synccli replica order cancel ID --reason TEXT`: queue an `order.cancel`.
struct ReplicaOrderCancelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel an order locally (works offline; `sync` sends it)."
    )

    @OptionGroup var replica: ReplicaOptions

    @Argument(help: "The order's id or a unique prefix of it.")
    var id: String

    @Option(help: "Why (required by the server).")
    var reason: String

    func validate() throws {
        if reason.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--reason must not be empty") }
    }

    func run() async throws {
        let client = try await replica.openClient()
        try await CLIFailure.reportingReplica {
            let order = try await ReplicaCLI.resolve(id, in: .orders, idMember: "order_id", client: client)
            let mutation = try await client.mutate(.orderCancel, args: .object(["order_id": .string(order), "reason": .string(reason)]))
            ReplicaCLI.printQueued(mutation, what: "order \(order) cancelled")
        }
    }
}
