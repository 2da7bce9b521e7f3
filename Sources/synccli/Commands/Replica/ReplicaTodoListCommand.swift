import ArgumentParser
import CommandLineSupport
import Foundation
import SyncClient
import SyncProtocol

/// `synccli replica todo list`: the visible todos.
struct ReplicaTodoListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the visible todos (server state with queued changes applied)."
    )

    @OptionGroup var replica: ReplicaOptions

    func run() async throws {
        let client = try await replica.openClient()
        try await CLIFailure.reportingReplica {
            let todos = try await client.rows(.todos)
            if todos.isEmpty { print("no todos") }
            for todo in todos {
                let id = todo["todo_id"]?.stringValue ?? "?"
                let status = todo["status"]?.stringValue ?? "?"
                let priority = todo["priority"]?.stringValue ?? "?"
                let due = todo["due_at"]?.stringValue.map { "  due \($0)" } ?? ""
                print(
                    "\(id.prefix(8))  \(status.padding(toLength: 9, withPad: " ", startingAt: 0))  \(priority.padding(toLength: 6, withPad: " ", startingAt: 0))  \(todo["title"]?.stringValue ?? "")\(due)"
                )
            }
        }
    }
}
