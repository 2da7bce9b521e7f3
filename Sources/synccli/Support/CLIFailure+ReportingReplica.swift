import ArgumentParser
import CommandLineSupport
import SyncClient
import SyncProtocol

extension CLIFailure {
    /// Runs a replica verb's work and turns failures into readable lines on standard error and an
    /// exit code: 1 for failures, 64 for invalid usage (a refused mutation). Failures other than
    /// the client's are reported by ``CLIFailure/reporting(_:)``.
    static func reportingReplica<Result>(_ body: () async throws -> Result) async throws -> Result {
        try await reporting { try await reportingClientErrors(body) }
    }

    /// Reports a ``SyncClientError`` with its hint and throws the exit code; passes anything else on.
    private static func reportingClientErrors<Result>(_ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch let error as SyncClientError {
            printError("error: \(error.code): \(error.message)")
            switch error.code {
            case .network, .timeout:
                printError("  hint: is the server running? local changes stay queued; run `synccli replica sync` later")
            case .reauthRequired, .sessionRevoked, .invalidRefreshToken, .notSignedIn, .unauthorized:
                printError("  hint: sign in again with `synccli replica init` on the same --db (pending changes are kept)")
            case .upgradeRequired:
                printError("  hint: this synccli speaks protocol \(ProtocolVersion.current); the server needs a newer one")
            case .rateLimited:
                if let wait = error.retryAfter { printError("  hint: wait \(wait.components.seconds) s before trying again") }
            default:
                break
            }
            throw [.invalidMutation, .unknownMutation].contains(error.code) ? ExitCode.validationFailure : ExitCode.failure
        }
    }
}
