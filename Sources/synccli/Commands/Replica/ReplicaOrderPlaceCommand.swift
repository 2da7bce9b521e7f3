import ArgumentParser
import CommandLineSupport
import SyncClient
import SyncProtocol

/// `synccli replica order place`: queue an `order.place`.
struct ReplicaOrderPlaceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "place",
        abstract: "Place an order locally (works offline; `sync` sends it)."
    )

    @OptionGroup var replica: ReplicaOptions

    @Option(help: "The ISO-4217 currency, for example EUR.")
    var currency: String

    @Option(name: .customLong("item"), help: "A line as SKU:NAME:QUANTITY:UNIT_PRICE_MINOR (repeat for several).")
    var items: [String] = []

    /// One parsed `--item`.
    struct Line {
        var sku: String
        var name: String
        var quantity: Int
        var unitPriceMinor: Int
    }

    func validate() throws {
        guard currency.count == 3, currency.allSatisfy({ $0.isLetter && $0.isASCII }) else {
            throw ValidationError("--currency must be three letters, for example EUR")
        }
        guard !items.isEmpty else { throw ValidationError("give at least one --item SKU:NAME:QUANTITY:UNIT_PRICE_MINOR") }
        _ = try lines()
    }

    /// The parsed `--item` values.
    func lines() throws -> [Line] {
        try items.map { text in
            let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 4, !parts[0].isEmpty, !parts[1].isEmpty,
                let quantity = Int(parts[2]), quantity > 0, let price = Int(parts[3]), price >= 0
            else {
                throw ValidationError("--item \(text): expected SKU:NAME:QUANTITY:UNIT_PRICE_MINOR with quantity > 0 and price >= 0")
            }
            return Line(sku: parts[0], name: parts[1], quantity: quantity, unitPriceMinor: price)
        }
    }

    func run() async throws {
        let items: [JSONValue] = try lines().map { line in
            .object([
                "sku": .string(line.sku), "name": .string(line.name),
                "quantity": .number(Double(line.quantity)), "unit_price_minor": .number(Double(line.unitPriceMinor)),
            ])
        }
        let orderID = ReplicaCLI.newID()
        let args: JSONValue = .object(["order_id": .string(orderID), "currency": .string(currency.uppercased()), "items": .array(items)])
        let client = try await replica.openClient()
        try await CLIFailure.reportingReplica {
            let mutation = try await client.mutate(.orderPlace, args: args)
            let total = try await client.row(.orders, key: orderID)?["total_minor"]?.int64Value ?? 0
            ReplicaCLI.printQueued(mutation, what: "order \(orderID) placed, total \(total) \(currency.uppercased()) (minor units)")
        }
    }
}
