import Foundation
import SyncProtocol
import Synchronization

@testable import SyncClient

/// An in-process stand-in for the server's login and pull endpoints (no network): a snapshot of
/// `rowCount` todos served in key order, `limit` rows per page, with cursors `p<offset>`. The
/// request numbered `failingRequest` (1-based, counting pulls only) is answered `418`, which the
/// client does not retry: a sync interrupted between pages.
final class PagingServer: SyncTransport {
    /// One pull request as the server saw it.
    struct Pull: Sendable, Hashable {
        var cursor: String?
        var limit: Int
    }

    let rowCount: Int
    let failingRequest: Int?
    private let pulls = Mutex<[Pull]>([])

    init(rowCount: Int, failingRequest: Int? = nil) {
        self.rowCount = rowCount
        self.failingRequest = failingRequest
    }

    /// Every pull received, in order.
    var received: [Pull] { pulls.withLock { $0 } }

    /// The key of row `index`.
    static func key(_ index: Int) -> String { String(format: "00000000-0000-4000-8000-%012d", index) }

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        if request.url.contains("/v1/auth/login") {
            let tokens = TokenResponse(
                accessToken: "token", expiresIn: 3600, refreshToken: "refresh", sessionID: "session", userID: ReplicaFixture.userID,
                tenantID: ReplicaFixture.tenantID, deviceID: "device")
            return TransportResponse(status: 200, body: try JSONEncoder().encode(tokens))
        }
        guard let components = URLComponents(string: request.url), components.path == "/v1/sync/pull" else {
            return TransportResponse(status: 404)
        }
        let items = components.queryItems ?? []
        let cursor = items.first { $0.name == "cursor" }?.value
        let limit = items.first { $0.name == "limit" }?.value.flatMap(Int.init) ?? 500
        let number = pulls.withLock { pulls in
            pulls.append(Pull(cursor: cursor, limit: limit))
            return pulls.count
        }
        if number == failingRequest { return TransportResponse(status: 418) }
        let offset = cursor.flatMap { Int($0.dropFirst()) } ?? 0
        let end = min(offset + limit, rowCount)
        var body = "{\"changes\":["
        for index in offset..<end {
            if index > offset { body += "," }
            let key = Self.key(index)
            body += """
                {"entity":"todos","key":"\(key)","op":"upsert","row":{"todo_id":"\(key)","tenant_id":"\(ReplicaFixture.tenantID)",\
                "owner_id":"\(ReplicaFixture.userID)","title":"Row \(index)","status":"open"}}
                """
        }
        body += "],\"cursor\":\"p\(end)\",\"has_more\":\(end < rowCount),\"reset\":\(cursor == nil),\"included_seq\":0}"
        return TransportResponse(
            status: 200, headers: ["content-type": "application/json", "server-timing": "query;dur=1.500, encode;dur=0.250"], body: Data(body.utf8))
    }

    func live(url: String, headers: [String: String], onMessage: @escaping @Sendable (LiveMessage) async -> Void) async throws -> LiveClose? {
        nil
    }
}
