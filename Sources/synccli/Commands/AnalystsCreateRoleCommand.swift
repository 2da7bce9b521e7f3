import ArgumentParser
import CommandLineSupport
import EventStore
import Foundation
import PostgresNIO
import Projections

/// `synccli analysts create-role`: create (or update) an analyst role and grant it the read tables.
struct AnalystsCreateRoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create-role",
        abstract: "Create or update a read-only analyst role that may SELECT the read tables and nothing else.",
        discussion: """
            Creates the role if missing (LOGIN, no superuser, no CREATEDB/CREATEROLE, every session read-only),
            grants CONNECT on this database, USAGE on schema `read` and SELECT on every table in it, and records
            the role so every later rebuild or reset grants the new tables too. It gets nothing in `public`:
            not the event log, the command log, credentials or the projections' bookkeeping. Roles are
            cluster-wide; run it once per database. Safe to run again (e.g. to change the password).

            The password is read from an environment variable, never from the command line (it would show up
            in the shell history and in `ps`). Without --password-env the password stays as it is (none for a
            new role: then only trust/peer authentication can log in).

            Examples:
              TIDEMARK_ANALYST_PASSWORD='…' synccli analysts create-role --password-env TIDEMARK_ANALYST_PASSWORD
              synccli analysts create-role --name bi_reader
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "The role: lower-case letters, digits and _, not starting with pg_.")
    var name: String = AnalystRole.defaultName

    @Option(help: ArgumentHelp("Environment variable holding the role's login password.", valueName: "VAR"))
    var passwordEnv: String?

    func validate() throws {
        guard !name.isEmpty, name.count <= 63, name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }),
            name.first.map({ !$0.isNumber }) ?? false, !name.hasPrefix("pg_")
        else {
            throw ValidationError("--name must be lower-case letters, digits and _ (at most 63, not starting with a digit or pg_)")
        }
        if let passwordEnv {
            guard let value = ProcessInfo.processInfo.environment[passwordEnv], !value.isEmpty else {
                throw ValidationError("environment variable \(passwordEnv) (from --password-env) is not set or empty")
            }
            guard value.count >= 8 else { throw ValidationError("the password in \(passwordEnv) must be at least 8 characters") }
        }
    }

    func run() async throws {
        let url = try await global.resolvedDatabaseURL()
        let logger = try global.makeLogger(label: "synccli.analysts")
        let name = name
        let password = passwordEnv.flatMap { ProcessInfo.processInfo.environment[$0] }
        let tables = try await CLIFailure.reporting {
            try await EventStore.withRunning(url: url, maximumConnections: 2, applicationName: "synccli-analysts", logger: logger) { store in
                try await KnownProjections.requireSetUp(client: store.client, logger: logger)
                try await AnalystRole.ensure(name: name, password: password, client: store.client, logger: logger)
                var tables: [String] = []
                let rows = try await store.client.query(
                    "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'read' ORDER BY table_name", logger: logger
                )
                for try await table in rows.decode(String.self) { tables.append(table) }
                return tables
            }
        }
        print("role \(name): LOGIN, read-only sessions, \(password == nil ? "password unchanged" : "password set from $\(passwordEnv ?? "")")")
        print(
            "granted: CONNECT on database \(url.database), USAGE on schema read, SELECT on \(tables.count) table(s) in read (and on tables later rebuilds create)"
        )
        if !tables.isEmpty { print("  " + tables.map { "read.\($0)" }.joined(separator: ", ")) }
        print("not granted: anything in schema public (events, command log, credentials, projection bookkeeping)")
        print(
            "connect: psql \"postgres://\(name)\(password == nil ? "" : ":<password>")@\(url.host):\(url.port)/\(url.database)\" -c 'SELECT count(*) FROM read.todos'"
        )
    }
}
