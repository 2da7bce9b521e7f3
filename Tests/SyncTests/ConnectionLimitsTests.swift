import Foundation
import SyncServer
import Testing
import TidemarkTestSupport

/// Slow and oversized request heads, written byte by byte on raw sockets (issue 16, item 5).
@Suite("Connection limits over raw sockets")
struct ConnectionLimitsTests {
    /// A request head up to (not including) its header fields.
    static let requestLine = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nTidemark-Protocol: 1\r\n"

    @Test("a 90 KB header block is answered 431 headers_too_large and the connection is closed")
    func ninetyKilobytes() async throws {
        try await SyncHarness.with { h in
            // Given a connection that sends a head with 90 KB of header fields
            let connection = try await RawConnection.connect(port: h.server.port)
            await connection.send(Self.requestLine)
            await connection.sendHeaderFields(bytes: 90 * 1024)
            await connection.send("\r\n")

            // Then the server answers 431 with a problem and closes the connection
            let closed = await connection.closedByServer()
            #expect(connection.received.hasPrefix("HTTP/1.1 431"), "\(connection.received.prefix(200))")
            #expect(connection.received.contains("\"code\":\"headers_too_large\""))
            #expect(closed, "the connection is still open")
        }
    }

    @Test("a 1 MB header block is answered 431 headers_too_large and the connection is closed")
    func oneMegabyte() async throws {
        try await SyncHarness.with { h in
            // Given a connection that sends a head with 1 MB of header fields, without waiting
            let connection = try await RawConnection.connect(port: h.server.port)
            await connection.send(Self.requestLine)
            await connection.sendHeaderFields(bytes: 1 << 20)
            await connection.send("\r\n")

            // Then the answer is 431 (readable although the server stopped reading the head) and the connection closes
            let closed = await connection.closedByServer()
            #expect(connection.received.hasPrefix("HTTP/1.1 431"), "\(connection.received.prefix(200))")
            #expect(connection.received.contains("\"code\":\"headers_too_large\""))
            #expect(closed, "the connection is still open")
        }
    }

    @Test("header fields within the limit are served as before")
    func withinTheLimit() async throws {
        try await SyncHarness.with { h in
            // Given a request with 20 KB of header fields (the limit is 32 KB)
            let connection = try await RawConnection.connect(port: h.server.port)
            await connection.send(Self.requestLine)
            await connection.sendHeaderFields(bytes: 20 * 1024)
            await connection.send("Connection: close\r\n\r\n")

            // Then it gets the health answer
            _ = await connection.closedByServer()
            #expect(connection.received.hasPrefix("HTTP/1.1 200"), "\(connection.received.prefix(200))")
            #expect(connection.received.contains("{\"status\":\"ok\"}"))
        }
    }

    @Test("a head that never completes is answered 408 request_timeout after the header timeout and closed")
    func unfinishedHead() async throws {
        try await SyncHarness.with(configure: { $0.connectionLimits.headerTimeout = .seconds(2) }) { h in
            // Given a connection that sends half a head and then nothing
            let connection = try await RawConnection.connect(port: h.server.port)
            await connection.send(Self.requestLine + "X-Slow: still typ")

            // Then the server gives up on it (the wait is bounded only against a hang)
            let closed = await connection.closedByServer()
            #expect(closed, "the connection is still open")
            #expect(connection.received.hasPrefix("HTTP/1.1 408"), "\(connection.received.prefix(200))")
            #expect(connection.received.contains("\"code\":\"request_timeout\""))
        }
    }

    @Test("100 connections that trickle unfinished heads are all closed, and the server still answers")
    func manySlowConnections() async throws {
        try await SyncHarness.with(configure: { $0.connectionLimits.headerTimeout = .seconds(2) }) { h in
            // Given 100 connections, each sending the start of a head, then one more byte a second
            var connections: [RawConnection] = []
            for _ in 0..<100 {
                let connection = try await RawConnection.connect(port: h.server.port)
                await connection.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
                connections.append(connection)
            }
            let all = connections
            let trickle = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: .seconds(1))
                    for connection in all { await connection.send("a") }
                }
            }
            defer { trickle.cancel() }

            // Then every one is closed, although bytes keep coming (the header timeout counts from
            // the first byte); the waits run side by side, each bounded against a hang
            let open = await withTaskGroup(of: Bool.self) { group in
                for connection in all { group.addTask { await connection.closedByServer() } }
                return await group.reduce(0) { $0 + ($1 ? 0 : 1) }
            }
            #expect(open == 0, "\(open) of 100 connections are still open")
            #expect(connections.allSatisfy { $0.received.hasPrefix("HTTP/1.1 408") })

            // And a new connection is served
            let answer = try await h.call(.GET, "/health")
            #expect(answer.status == 200)
        }
    }

    @Test("an idle keep-alive connection is closed after the idle timeout, without an answer")
    func idleKeepAlive() async throws {
        try await SyncHarness.with(configure: { $0.connectionLimits.idleTimeout = .seconds(2) }) { h in
            // Given a connection that made one keep-alive request and then stays silent
            let connection = try await RawConnection.connect(port: h.server.port)
            await connection.send(Self.requestLine + "\r\n")
            #expect(await connection.receive("{\"status\":\"ok\"}"), "\(connection.received)")

            // Then the server closes it, having sent nothing more than the first answer
            let closed = await connection.closedByServer()
            #expect(closed, "the idle connection is still open")
            #expect(connection.received.components(separatedBy: "HTTP/1.1 ").count == 2, "\(connection.received)")

            // And a connection that never sends a byte is closed the same way
            let silent = try await RawConnection.connect(port: h.server.port)
            #expect(await silent.closedByServer(), "the silent connection is still open")
            #expect(silent.received.isEmpty)
        }
    }
}
