import ArgumentParser
import CommandLineSupport
import Foundation
import SyncClient

/// `synccli replica init`: sign a replica in and pull the user's rows.
struct ReplicaInitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Sign in (creating the replica file if needed) and do the first sync.",
        discussion: """
            Run it again on the same file to sign in again after the session ended; queued changes are kept
            and sent. The password comes from --password or $TIDEMARK_PASSWORD.
            """
    )

    @OptionGroup var replica: ReplicaOptions

    @Option(help: "The server's base URL, for example http://127.0.0.1:8080 (default: the one stored in the replica).")
    var server: String?

    @Option(help: "The tenant's code.")
    var tenant: String

    @Option(help: "The username.")
    var user: String

    @Option(help: "The password (default: $TIDEMARK_PASSWORD).")
    var password: String?

    @Option(name: .customLong("device-name"), help: "A name for the session list (default: synccli on this host).")
    var deviceName: String?

    func run() async throws {
        guard let password = password ?? ProcessInfo.processInfo.environment["TIDEMARK_PASSWORD"], !password.isEmpty else {
            throw ValidationError("give the password with --password or $TIDEMARK_PASSWORD")
        }
        let exists = FileManager.default.fileExists(atPath: replica.database)
        if !exists, server == nil { throw ValidationError("--server is required for a new replica") }
        let client = try await replica.openClient(serverURL: server, create: true)
        let deviceName = deviceName ?? "synccli on \(ProcessInfo.processInfo.hostName)"
        try await CLIFailure.reportingReplica {
            try await client.login(tenantCode: tenant, username: user, password: password, deviceName: deviceName)
            let status = try await client.status()
            print("signed in as \(user) (user \(status.userID ?? "?"), device \(status.deviceID)) into \(replica.database)")
            let report = try await client.sync()
            print(ReplicaSyncCommand.describe(report))
        }
    }
}
