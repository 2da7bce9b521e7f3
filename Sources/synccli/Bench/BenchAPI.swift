import AsyncHTTPClient
import CommandLineSupport
import Foundation
import NIOCore
import NIOHTTP1
import SyncProtocol
import Synchronization

/// A signed-in benchmark device: its tokens and its next sequence number.
final class BenchSession: Sendable {
    let username: String
    let userID: String
    let token: String
    private let next = Mutex<Int64>(1)

    init(username: String, tokens: TokenResponse) {
        self.username = username
        self.userID = tokens.userID
        self.token = tokens.accessToken
    }

    /// The next `count` sequence numbers.
    func sequenceNumbers(_ count: Int) -> [Int64] {
        next.withLock { seq in
            defer { seq += Int64(count) }
            return (0..<Int64(count)).map { seq + $0 }
        }
    }
}

/// Raw HTTP calls of the benchmark (what a device sends, without a replica in between).
struct BenchAPI: Sendable {
    let http: HTTPClient
    let baseURL: String

    /// Registers `username` in tenant `bench` and signs in from a new device.
    func signUp(_ username: String) async throws -> BenchSession {
        try await register(username)
        return try await signIn(username, deviceID: UUID().uuidString)
    }

    /// Registers `username` in tenant `bench` with ``SyncBenchmark/password`` (the server hashes it
    /// at its own bcrypt cost).
    func register(_ username: String) async throws {
        _ = try await post(
            "/v1/auth/register", RegisterRequest(tenantCode: "bench", username: username, email: "\(username)@bench.example", password: SyncBenchmark.password),
            expect: 201)
    }

    /// Signs `username` of tenant `bench` in from device `deviceID` (a UUID).
    func signIn(_ username: String, deviceID: String) async throws -> BenchSession {
        let data = try await post(
            "/v1/auth/login", LoginRequest(tenantCode: "bench", username: username, password: SyncBenchmark.password, deviceID: deviceID), expect: 200)
        return BenchSession(username: username, tokens: try JSONDecoder().decode(TokenResponse.self, from: data))
    }

    /// Signs `username` (registered already) in from another new device.
    func signIn(_ username: String) async throws -> BenchSession {
        let data = try await post(
            "/v1/auth/login", LoginRequest(tenantCode: "bench", username: username, password: SyncBenchmark.password, deviceID: UUID().uuidString), expect: 200)
        return BenchSession(username: username, tokens: try JSONDecoder().decode(TokenResponse.self, from: data))
    }

    /// Pushes mutations as `session`'s device.
    func push(_ session: BenchSession, _ mutations: [(String, JSONValue)]) async throws -> SyncPushResponse {
        let numbers = session.sequenceNumbers(mutations.count)
        let request = SyncPushRequest(
            mutations: zip(numbers, mutations).map { seq, mutation in
                Mutation(id: UUID().uuidString, seq: seq, name: mutation.0, args: mutation.1)
            })
        let data = try await post("/v1/sync/push", request, token: session.token, expect: 200)
        return try JSONDecoder().decode(SyncPushResponse.self, from: data)
    }

    /// Sends one request and returns its status and body, whatever the status.
    func send(_ method: HTTPMethod, _ path: String, body: Data? = nil, token: String? = nil, timeout: TimeAmount = .seconds(60)) async throws -> (
        status: Int, body: ByteBuffer
    ) {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "Tidemark-Protocol", value: "1")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let response = try await http.execute(request, timeout: timeout)
        return (Int(response.status.code), try await response.body.collect(upTo: 16 << 20))
    }

    private func post(_ path: String, _ body: some Encodable, token: String? = nil, expect: Int) async throws -> Data {
        let (status, buffer) = try await send(.POST, path, body: try JSONEncoder().encode(body), token: token)
        guard status == expect else {
            throw CLIFailure(.benchmarkFailed, "POST \(path) answered \(status): \(String(buffer: buffer))")
        }
        return Data(buffer.readableBytesView)
    }
}
