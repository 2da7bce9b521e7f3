import ArgumentParser

/// `synccli replica …`: a client replica on a SQLite file, for trying the sync protocol by hand.
struct ReplicaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replica",
        abstract: "Run a client replica (SQLite file): sign in, sync, inspect, and make local changes.",
        discussion: """
            A replica holds the signed-in user's rows, a queue of local changes applied at once (they work
            offline), and the sync state. `init` signs in and pulls everything; `sync` pushes the queue and
            pulls what changed; the other verbs only write the local file. Read it with plain SQL too:
              sqlite3 replica.sqlite 'select title, status from todos'

            Exit codes: 0 success, 1 failure (the message says why), 64 invalid usage or a refused change.

            Examples:
              TIDEMARK_PASSWORD=secret synccli replica init --server http://127.0.0.1:8080 --tenant acme --user ana
              synccli replica todo add "Buy milk" --priority high
              synccli replica todo list
              synccli replica sync
              synccli replica status --json
              synccli replica sync --live          # stay connected and sync on every change, until Ctrl-C
            """,
        subcommands: [
            ReplicaInitCommand.self, ReplicaSyncCommand.self, ReplicaStatusCommand.self, ReplicaTodoCommand.self,
            ReplicaNotificationCommand.self, ReplicaOrderCommand.self,
        ]
    )
}
