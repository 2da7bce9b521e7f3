import ArgumentParser

/// `synccli replica todo …`: the replica's todos.
struct ReplicaTodoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "todo",
        abstract: "List, add, complete and edit todos in the replica (local changes, sent by `sync`).",
        discussion: """
            Ids may be shortened to a unique prefix.

            Examples:
              synccli replica todo add "Buy milk" --priority high --due 2025-06-01T09:00:00Z --tag shop
              synccli replica todo list
              synccli replica todo done 3f2a
              synccli replica todo edit 3f2a --title "Buy oat milk" --clear-due
            """,
        subcommands: [
            ReplicaTodoListCommand.self, ReplicaTodoAddCommand.self, ReplicaTodoDoneCommand.self, ReplicaTodoEditCommand.self,
        ]
    )
}

/// The priorities of a todo.
enum TodoPriorityOption: String, ExpressibleByArgument, CaseIterable {
    case high, medium, low
}

/// The types of a todo.
enum TodoTypeOption: String, ExpressibleByArgument, CaseIterable {
    case personal, daily
}
