import ArgumentParser
import CommandLineSupport
import SyncClient
import SyncProtocol

/// `synccli replica notification read ID`: queue a `notification.read`.
struct ReplicaNotificationReadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "read",
        abstract: "Mark a notification read locally (works offline; `sync` sends it)."
    )

    @OptionGroup var replica: ReplicaOptions

    @Argument(help: "The notification's id or a unique prefix of it.")
    var id: String

    func run() async throws {
        let client = try await replica.openClient()
        try await CLIFailure.reportingReplica {
            let notification = try await ReplicaCLI.resolve(id, in: .inbox, idMember: "notification_id", client: client)
            let mutation = try await client.mutate(.notificationRead, args: .object(["notification_id": .string(notification)]))
            ReplicaCLI.printQueued(mutation, what: "notification \(notification) read")
        }
    }
}
