import ArgumentParser

/// `synccli replica notification …`: the replica's inbox.
struct ReplicaNotificationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notification",
        abstract: "Mark inbox notifications read (local change, sent by `sync`).",
        discussion: """
            Examples:
              synccli replica notification read 9c1e
              sqlite3 replica.sqlite 'select notification_id, title, read_at from inbox'
            """,
        subcommands: [ReplicaNotificationReadCommand.self]
    )
}
