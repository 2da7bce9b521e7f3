import Foundation
import SyncProtocol
import Testing

@testable import SyncClient

@Suite("Client, retry policy and transport mapping (no network)")
struct ClientTests {
    @Test("full jitter stays between zero and min(cap, base × 2^attempt)")
    func retryBounds() {
        let maximal = RetryPolicy(base: .milliseconds(500), cap: .seconds(30), random: { 1 })
        #expect(maximal.delay(forAttempt: 0) == .milliseconds(500))
        #expect(maximal.delay(forAttempt: 3) == .seconds(4))
        #expect(maximal.delay(forAttempt: 10) == .seconds(30))
        #expect(maximal.delay(forAttempt: 1000) == .seconds(30))
        let minimal = RetryPolicy(random: { 0 })
        #expect(minimal.delay(forAttempt: 5) == .zero)
        let half = RetryPolicy(base: .seconds(1), random: { 0.5 })
        #expect(half.delay(forAttempt: 1) == .seconds(1))
    }

    @Test("problem+json answers become errors with the server's code and Retry-After")
    func problemMapping() throws {
        let body = try JSONEncoder().encode(ProblemDetails(title: "Too Many Requests", status: 429, code: "rate_limited", detail: "slow down"))
        let error = APIClient.problem(
            TransportResponse(status: 429, headers: ["retry-after": "12"], body: body), method: .post, path: "/v1/auth/login")
        #expect(error.code == .rateLimited)
        #expect(error.message == "slow down")
        #expect(error.retryAfter == .seconds(12))
        #expect(error.status == 429)

        let plain = APIClient.problem(TransportResponse(status: 503), method: .get, path: "/v1/sync/pull")
        #expect(plain.code == .serverError)
        #expect(plain.isTransient)
        #expect(APIClient.problem(TransportResponse(status: 426), method: .get, path: "/").code == .upgradeRequired)
        let revoked = try JSONEncoder().encode(ProblemDetails(title: "Unauthorized", status: 401, code: "session_revoked", detail: "revoked"))
        let revokedError = APIClient.problem(TransportResponse(status: 401, body: revoked), method: .get, path: "/")
        #expect(revokedError.code == .sessionRevoked)
        #expect(revokedError.endsSession)
        #expect(!revokedError.isTransient)
    }

    @Test("cursors are percent-encoded and the live URL follows the server's scheme")
    func urls() {
        #expect(APIClient.percentEncoded("a+b/c=") == "a%2Bb%2Fc%3D")
        let api = APIClient(transport: NetworkTransport(), baseURL: "https://sync.example.com", timeout: .seconds(1))
        #expect(api.liveURL == "wss://sync.example.com/v1/sync/live")
        #expect(api.headers(token: "t")["Authorization"] == "Bearer t")
        #expect(api.headers(token: nil)[SyncHeaders.protocolVersion] == "1")
    }

    @Test("a new client is signed out, stores its server URL, and sync refuses without a session")
    func signedOutClient() async throws {
        // Given a client on a new replica
        let fixture = try ReplicaFixture()
        defer { fixture.remove() }
        let client = try await SyncClient(configuration: .init(databasePath: fixture.path, serverURL: "http://127.0.0.1:9/"))
        #expect(await client.state == .signedOut)

        // When it syncs
        let error = await #expect(throws: SyncClientError.self) { try await client.sync() }

        // Then it refuses without touching the network, and the URL is stored for later runs
        #expect(error?.code == .notSignedIn)
        #expect(await client.state == .signedOut)
        let status = try await client.status()
        #expect(status.serverURL == "http://127.0.0.1:9")
        #expect(status.state == "signed_out")
        try await client.close()

        let reopened = try await SyncClient(configuration: .init(databasePath: fixture.path))
        #expect(try await reopened.status().serverURL == "http://127.0.0.1:9")
    }

    @Test("mutations work offline through the client and show in its status")
    func offlineMutations() async throws {
        let fixture = try ReplicaFixture()
        defer { fixture.remove() }
        let client = try await SyncClient(configuration: .init(databasePath: fixture.path, serverURL: "http://127.0.0.1:9"))
        let id = ReplicaFixture.newID()

        try await client.mutate(.todoCreate, args: .object(["todo_id": .string(id), "title": "Offline"]))

        #expect(try await client.rows(.todos).count == 1)
        #expect(try await client.row(.todos, key: id)?["title"] == "Offline")
        let status = try await client.status()
        #expect(status.pendingMutations == 1)
        #expect(status.rows["todos"] == 1)
    }

    @Test("the state of the last run is restored: reauth and upgrade stay until the user acts")
    func restoredStates() {
        #expect(SyncClient.restoredState([:]) == .signedOut)
        #expect(SyncClient.restoredState([.refreshToken: "r", .state: "offline"]) == .idle)
        #expect(SyncClient.restoredState([.state: "reauth_required"]) == .reauthRequired)
        #expect(SyncClient.restoredState([.state: "upgrade_required", .upgradeProtocol: "1", .refreshToken: "r"]) == .upgradeRequired)
        // An app upgraded to another protocol version tries again.
        #expect(SyncClient.restoredState([.state: "upgrade_required", .upgradeProtocol: "0", .refreshToken: "r"]) == .idle)
    }

    @Test("a server URL that is not http(s) is refused")
    func badServerURL() async throws {
        let fixture = try ReplicaFixture()
        defer { fixture.remove() }
        let error = await #expect(throws: SyncClientError.self) {
            _ = try await SyncClient(configuration: .init(databasePath: fixture.path, serverURL: "ftp://x"))
        }
        #expect(error?.code == .invalidConfiguration)
    }

    @Test("rejections can be retried as new mutations or dismissed")
    func retryAndDismissRejections() async throws {
        let fixture = try ReplicaFixture()
        defer { fixture.remove() }
        let replica = try await fixture.open()
        let id = ReplicaFixture.newID()
        let create = try await replica.enqueue(.todoCreate, args: .object(["todo_id": .string(id), "title": "Again"]))
        _ = try await replica.applyPushResults([MutationResult(id: create.id, seq: create.seq, status: .rejected, code: "invalid", message: "bad")])
        #expect(try await replica.row(RowRef(.todos, id)) == nil)

        let retried = try await replica.retryRejection(id: create.id)

        #expect(retried.id != create.id)
        #expect(retried.seq == create.seq + 1)
        #expect(try await replica.rejections().isEmpty)
        #expect(try await replica.row(RowRef(.todos, id))?["title"] == "Again")
        let missing = await #expect(throws: SyncClientError.self) { try await replica.dismissRejection(id: create.id) }
        #expect(missing?.code == .notFound)
    }
}

@Suite("Pull restarts")
struct PullRestartTests {
    @Test("410 resync_required, or a 400 to a pull that sent a cursor, restarts with a snapshot")
    func snapshotFallback() {
        let gone = SyncClientError(.resyncRequired, "pruned", status: 410)
        let invalidCursor = SyncClientError(.invalid, "not issued here", status: 400)
        #expect(SyncClient.needsSnapshot(gone, cursor: "c"))
        #expect(SyncClient.needsSnapshot(invalidCursor, cursor: "c"))
        #expect(!SyncClient.needsSnapshot(invalidCursor, cursor: nil))
        #expect(!SyncClient.needsSnapshot(SyncClientError(.serverError, "boom", status: 500), cursor: "c"))
    }
}
