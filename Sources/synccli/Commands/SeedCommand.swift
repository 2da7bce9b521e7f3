import ArgumentParser
import CommandLineSupport
import Commands
import EventStore
import Foundation
import PostgresNIO
import SyncServer

/// `synccli seed`: fill a database with demo data through the command service.
struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Create a realistic demo data set through the command service (deterministic for a given --seed).",
        discussion: """
            Every row is made by a domain command, so the log, idempotency keys and uniqueness rules apply
            exactly as for real clients. Running the same seed twice adds nothing. With one tenant and seed 1
            the tenant code is 'demo'; otherwise 'demo-<seed>-<n>'. Prints the logins it created.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Tenants to create (1-1000).")
    var tenants: Int = 1

    @Option(help: "Members per tenant, besides its administrator (0-10000).")
    var usersPerTenant: Int = 3

    @Option(help: "Todos per member (0-1000).")
    var todosPerUser: Int = 5

    @Option(help: "Orders per member (0-1000).")
    var ordersPerUser: Int = 2

    @Option(help: "Random seed: the same seed builds the same data.")
    var seed: UInt64 = 1

    @Option(help: "Password of every demo user (8-200 characters).")
    var password: String = "tidemark-demo"

    @Option(help: "bcrypt cost for the demo passwords (4-14; lower is faster).")
    var passwordCost: Int = 10

    @Flag(help: "Do nothing when the log already holds events (used by `make run`).")
    var ifEmpty = false

    @Flag(help: "Print the logins as one JSON line.")
    var json = false

    func validate() throws {
        guard (1...1000).contains(tenants) else { throw ValidationError("--tenants must be 1-1000") }
        guard (0...10_000).contains(usersPerTenant) else { throw ValidationError("--users-per-tenant must be 0-10000") }
        guard (0...1000).contains(todosPerUser) else { throw ValidationError("--todos-per-user must be 0-1000") }
        guard (0...1000).contains(ordersPerUser) else { throw ValidationError("--orders-per-user must be 0-1000") }
        guard (8...200).contains(password.count) else { throw ValidationError("--password must be 8-200 characters") }
        guard (4...14).contains(passwordCost) else { throw ValidationError("--password-cost must be 4-14") }
    }

    func run() async throws {
        let url = try await global.resolvedDatabaseURL()
        let logger = try global.makeLogger(label: "synccli.seed")
        let plan = DemoSeeder.Plan(
            tenants: tenants, usersPerTenant: usersPerTenant, todosPerUser: todosPerUser,
            ordersPerUser: ordersPerUser, seed: seed, password: password
        )
        let (ifEmpty, passwordCost) = (ifEmpty, passwordCost)
        let logins = try await CLIFailure.reporting {
            try await EventStore.withRunning(url: url, maximumConnections: 4, applicationName: "synccli-seed", logger: logger) { store in
                try await store.migrate(additional: TidemarkMigrations.all)
                if ifEmpty, try await store.status().head > 0 {
                    printError("seed: the log already holds events; nothing to do")
                    return [DemoSeeder.Login]()
                }
                let seeder = DemoSeeder(service: CommandService(store: store, passwordCost: passwordCost), plan: plan)
                var bar = ProgressBar(total: seeder.commandCount, label: "seed")
                let logins = try await seeder.run { bar.update($0) }
                bar.update(seeder.commandCount, force: true)
                bar.finish()
                return logins
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            print(String(decoding: try encoder.encode(logins), as: UTF8.self))
        } else {
            for login in logins {
                print("login: tenant \(login.tenantCode)  user \(login.username)  password \(login.password)  (\(login.role))")
            }
        }
    }
}
