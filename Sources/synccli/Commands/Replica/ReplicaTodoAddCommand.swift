import ArgumentParser
import CommandLineSupport
import SyncClient
import SyncProtocol

/// `synccli replica todo add TITLE`: queue a `todo.create`.
struct ReplicaTodoAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Create a todo locally (works offline; `sync` sends it)."
    )

    @OptionGroup var replica: ReplicaOptions

    @Argument(help: "The title.")
    var title: String

    @Option(help: "A description.")
    var description: String?

    @Option(help: "high, medium or low (default medium).")
    var priority: TodoPriorityOption?

    @Option(help: "personal or daily (default personal).")
    var type: TodoTypeOption?

    @Option(help: "The due date-time, ISO-8601 (e.g. 2025-06-01T09:00:00Z).")
    var due: String?

    @Option(name: .customLong("tag"), help: "A tag (repeat for several).")
    var tags: [String] = []

    @Flag(help: "The title and description are your personal data: stored encrypted with your key, erased with your personal data.")
    var personalData = false

    func run() async throws {
        var args: [String: JSONValue] = ["todo_id": .string(ReplicaCLI.newID()), "title": .string(title)]
        if let description { args["description"] = .string(description) }
        if let priority { args["priority"] = .string(priority.rawValue) }
        if let type { args["type"] = .string(type.rawValue) }
        if let due { args["due_at"] = .string(try ReplicaCLI.isoDate(due, option: "--due")) }
        if !tags.isEmpty { args["tags"] = .array(tags.map(JSONValue.string)) }
        if personalData { args["personal_data"] = .bool(true) }
        let client = try await replica.openClient()
        try await CLIFailure.reportingReplica {
            let mutation = try await client.mutate(.todoCreate, args: .object(args))
            ReplicaCLI.printQueued(mutation, what: "todo \(mutation.args["todo_id"]?.stringValue ?? "?") added")
        }
    }
}
