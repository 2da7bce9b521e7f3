import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SyncProtocol
import TidemarkTestSupport

/// A device that pulls with plain HTTP through the cluster's front door (HAProxy), so it sees
/// where each page was read (`X-Tidemark-Read-Source`), and checks every page against what it
/// already holds: a todo whose title is `v<n>` must never come back with a smaller `n`, and a
/// todo it holds must never be tombstoned (the tests never delete one). Either would be a page
/// older than one the device already applied.
struct StandbyObserver: Sendable {
    let baseURL: String
    let token: String
    var cursor: String?
    var todos: [String: String] = [:]
    var sources: [String] = []
    var regressions: [String] = []

    /// Signs in as a new device of `username`.
    static func login(_ baseURL: String, tenantCode: String, username: String, password: String) async throws -> StandbyObserver {
        let body = try JSONEncoder().encode(
            LoginRequest(tenantCode: tenantCode, username: username, password: password, deviceID: UUID().uuidString, deviceName: "observer"))
        let (status, data, _) = try await call(baseURL + "/v1/auth/login", method: .POST, body: body)
        guard status == 200 else { throw TestFailure("login \(username): \(status) \(String(decoding: data, as: UTF8.self))") }
        return StandbyObserver(baseURL: baseURL, token: try JSONDecoder().decode(TokenResponse.self, from: data).accessToken)
    }

    /// Pulls pages until `has_more` is false; returns the sources of those pages.
    @discardableResult
    mutating func pullToEnd() async throws -> [String] {
        var pageSources: [String] = []
        while true {
            var url = baseURL + "/v1/sync/pull?limit=50"
            if let cursor { url += "&cursor=\(cursor)" }
            let (status, data, source) = try await Self.call(url, method: .GET, token: token)
            guard status == 200 else { throw TestFailure("pull: \(status) \(String(decoding: data, as: UTF8.self))") }
            let page = try JSONDecoder().decode(PullResponse.self, from: data)
            pageSources.append(source ?? "missing")
            if page.reset { todos = [:] }
            for change in page.changes where change.entity == .todos {
                let title = change.row?["title"]?.stringValue
                if let held = todos[change.key], let version = Self.version(held) {
                    if change.op == .delete {
                        regressions.append("todo \(change.key) at \(held) was tombstoned (page from \(source ?? "?"))")
                    } else if let title, let new = Self.version(title), new < version {
                        regressions.append("todo \(change.key) went back from \(held) to \(title) (page from \(source ?? "?"))")
                    }
                }
                todos[change.key] = change.op == .upsert ? title : nil
            }
            cursor = page.cursor
            if !page.hasMore {
                sources += pageSources
                return pageSources
            }
        }
    }

    /// `n` of a title `v<n>`.
    static func version(_ title: String) -> Int? {
        title.hasPrefix("v") ? Int(title.dropFirst()) : nil
    }

    /// One HTTP call: status, body and `X-Tidemark-Read-Source`.
    static func call(_ url: String, method: HTTPMethod, token: String? = nil, body: Data? = nil) async throws -> (Int, Data, String?) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Tidemark-Protocol", value: "1")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 64 << 20)
        return (Int(response.status.code), Data(bytes.readableBytesView), response.headers.first(name: "X-Tidemark-Read-Source"))
    }

    /// The sum of `tidemark_sync_pull_pages_total{source="<source>"}` over every server of the cluster
    /// (HAProxy spreads the pulls over them).
    static func pagesServed(from source: String, servers: [String]) async throws -> Int {
        var total = 0
        for server in servers {
            let (status, data, _) = try await call(server + "/metrics", method: .GET)
            guard status == 200 else { throw TestFailure("\(server)/metrics: \(status)") }
            let prefix = "tidemark_sync_pull_pages_total{source=\"\(source)\"} "
            for line in String(decoding: data, as: UTF8.self).split(separator: "\n") where line.hasPrefix(prefix) {
                total += Int(Double(line.dropFirst(prefix.count).trimmingCharacters(in: .whitespaces)) ?? 0)
            }
        }
        return total
    }
}
