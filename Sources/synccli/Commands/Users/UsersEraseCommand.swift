import ArgumentParser
import CommandLineSupport
import Commands
import Domain
import EventStore
import Foundation

/// `synccli users erase USER_ID --yes`: crypto-shredding of one user's personal data.
struct UsersEraseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Erase a user's personal data (destroy their data key and append UserErased).",
        discussion: """
            Destroys the user's data key and appends UserErased in one transaction, acting as the system in \
            the user's tenant. The log is not rewritten: every personal field of the user (username, e-mail, \
            phone, nickname, avatar URL) reads as "[erased]" from then on, in the read tables, after rebuilds, \
            in replicas and in `events export`. Their todos, orders and the audit trail stay. Erasing an \
            erased user records nothing. A restored backup brings the key back: erase again after a restore.

            Examples:
              synccli users erase 0190f1c2-7a8b-7c3d-9e0f-112233445566 --yes
              synccli users erase 0190f1c2-7a8b-7c3d-9e0f-112233445566 --tenant 0190f1c2-0000-7000-8000-000000000001 --yes --json
            """
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The user's id (a UUID).")
    var userID: String

    @Option(help: "The user's tenant id; by default the tenant the user's stream names.")
    var tenant: String?

    @Flag(help: "Confirm the erasure (it cannot be undone).")
    var yes = false

    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        guard UserID(userID) != nil else { throw ValidationError("USER_ID must be a UUID, got '\(userID.prefix(60))'") }
        if let tenant, TenantID(tenant) == nil { throw ValidationError("--tenant must be a UUID, got '\(tenant.prefix(60))'") }
        guard yes else { throw ValidationError("erasing personal data cannot be undone: pass --yes to confirm") }
    }

    func run() async throws {
        guard let user = UserID(userID) else { throw ValidationError("USER_ID must be a UUID") }
        let url = try await global.resolvedDatabaseURL()
        let logger = try global.makeLogger(label: "synccli.users")
        let outcome = try await CLIFailure.reporting {
            try await EventStore.withRunning(url: url, maximumConnections: 2, applicationName: "synccli-users", logger: logger) { store in
                let service = CommandService(store: store)
                do {
                    let tenantID: TenantID
                    if let tenant, let given = TenantID(tenant) {
                        tenantID = given
                    } else {
                        guard let state = try await service.load(User.self, id: user).state else {
                            throw CLIFailure(.notFound, "user \(user) does not exist")
                        }
                        tenantID = state.tenantID
                    }
                    return try await service.eraseUser(user, envelope: CommandEnvelope(principal: .system(tenantID: tenantID)))
                } catch let error as CommandError {
                    printError("error: \(error.code): \(error.message)")
                    throw ExitCode.failure
                }
            }
        }
        let erasedNow = !outcome.eventTypes.isEmpty
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let report = EraseReport(userID: user.description, erased: true, alreadyErased: !erasedNow, positions: outcome.positions)
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else if erasedNow {
            print("erased the personal data of user \(user) (UserErased at position \(outcome.positions.map(String.init).joined(separator: ", ")))")
        } else {
            print("user \(user) was already erased; nothing recorded")
        }
    }
}

/// The `--json` answer of `synccli users erase`.
private struct EraseReport: Encodable {
    var userID: String
    var erased: Bool
    var alreadyErased: Bool
    var positions: [Int64]

    enum CodingKeys: String, CodingKey {
        case userID = "user_id", erased, alreadyErased = "already_erased", positions
    }
}
