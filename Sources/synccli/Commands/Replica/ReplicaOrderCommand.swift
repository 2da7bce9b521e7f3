import ArgumentParser

/// `synccli replica order …`: the replica's orders.
struct ReplicaOrderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "order",
        abstract: "Place and cancel orders (local changes, sent by `sync`).",
        discussion: """
            Examples:
              synccli replica order place --currency EUR --item "APL-1:Apple:3:50" --item "BRD-2:Bread:1:249"
              synccli replica order cancel 7b0d --reason "ordered twice"
              sqlite3 replica.sqlite 'select order_id, status, total_minor, currency from orders'
            """,
        subcommands: [ReplicaOrderPlaceCommand.self, ReplicaOrderCancelCommand.self]
    )
}
