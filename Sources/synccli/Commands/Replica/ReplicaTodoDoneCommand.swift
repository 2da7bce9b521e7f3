import ArgumentParser
import CommandLineSupport
import SyncClient
import SyncProtocol

/// `synccli replica todo done ID`: queue a `todo.complete`.
struct ReplicaTodoDoneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "done",
        abstract: "Complete a todo locally (works offline; `sync` sends it)."
    )

    @OptionGroup var replica: ReplicaOptions

    @Argument(help: "The todo's id or a unique prefix of it.")
    var id: String

    func run() async throws {
        let client = try await replica.openClient()
        try await CLIFailure.reportingReplica {
            let todo = try await ReplicaCLI.resolve(id, in: .todos, idMember: "todo_id", client: client)
            let mutation = try await client.mutate(.todoComplete, args: .object(["todo_id": .string(todo)]))
            ReplicaCLI.printQueued(mutation, what: "todo \(todo) completed")
        }
    }
}
