import Foundation
import SyncProtocol
import Testing
import TidemarkTestSupport

/// `synccli serve --password-cgroup`: a cgroup the password threads cannot join is reported and
/// changes nothing else; an empty value is refused before the server starts.
@Suite("serve --password-cgroup", .timeLimit(.minutes(3)))
struct PasswordCgroupServeTests {
    @Test("a cgroup that does not exist: the server logs a warning naming it, and registration and sign-in still work")
    func missingCgroup() async throws {
        let directory = "/nonexistent-tidemark-cgroup-\(UUID().uuidString)"
        try await ServeProcess.with(arguments: ["--password-cgroup", directory]) { server in
            let token = try await server.signUp("cgroup-user")
            #expect(!token.accessToken.isEmpty)
            let log = server.log
            #expect(log.contains("password threads not (all) moved into their cgroup"), "\(log)")
            #expect(log.contains(directory), "\(log)")
        }
    }

    @Test("an empty --password-cgroup is refused with exit 64 and a clear message")
    func emptyCgroup() async throws {
        let run = try await SyncCLI.run(["serve", "--port", "0", "--password-cgroup", ""], database: nil)
        #expect(run.status == 64, "\(run.error)")
        #expect(run.error.contains("--password-cgroup must name a directory"), "\(run.error)")
    }
}
