import ArgumentParser
import CommandLineSupport
import SyncClient
import SyncProtocol

/// `synccli replica todo edit ID`: queue a `todo.edit` with the given fields.
struct ReplicaTodoEditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edit",
        abstract: "Edit a todo's fields locally (only the given ones change; `sync` sends it)."
    )

    @OptionGroup var replica: ReplicaOptions

    @Argument(help: "The todo's id or a unique prefix of it.")
    var id: String

    @Option(help: "A new title.")
    var title: String?

    @Option(help: "A new description.")
    var description: String?

    @Option(help: "high, medium or low.")
    var priority: TodoPriorityOption?

    @Option(help: "personal or daily.")
    var type: TodoTypeOption?

    @Option(help: "A new due date-time, ISO-8601.")
    var due: String?

    @Flag(name: .customLong("clear-due"), help: "Remove the due date.")
    var clearDue = false

    @Option(name: .customLong("tag"), help: "The new tags (repeat for several; replaces the old ones).")
    var tags: [String] = []

    @Flag(name: .customLong("clear-tags"), help: "Remove every tag.")
    var clearTags = false

    func validate() throws {
        if due != nil, clearDue { throw ValidationError("give --due or --clear-due, not both") }
        if !tags.isEmpty, clearTags { throw ValidationError("give --tag or --clear-tags, not both") }
        if title == nil, description == nil, priority == nil, type == nil, due == nil, !clearDue, tags.isEmpty, !clearTags {
            throw ValidationError("give at least one field to change")
        }
    }

    func run() async throws {
        var fields: [String: JSONValue] = [:]
        if let title { fields["title"] = .string(title) }
        if let description { fields["description"] = .string(description) }
        if let priority { fields["priority"] = .string(priority.rawValue) }
        if let type { fields["type"] = .string(type.rawValue) }
        if let due { fields["due_at"] = .string(try ReplicaCLI.isoDate(due, option: "--due")) }
        if clearDue { fields["due_at"] = .null }
        if !tags.isEmpty { fields["tags"] = .array(tags.map(JSONValue.string)) }
        if clearTags { fields["tags"] = .array([]) }
        let client = try await replica.openClient()
        try await CLIFailure.reportingReplica {
            let todo = try await ReplicaCLI.resolve(id, in: .todos, idMember: "todo_id", client: client)
            fields["todo_id"] = .string(todo)
            let mutation = try await client.mutate(.todoEdit, args: .object(fields))
            ReplicaCLI.printQueued(mutation, what: "todo \(todo) edited")
        }
    }
}
