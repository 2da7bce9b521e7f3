import Foundation
import SyncProtocol
import Testing

@testable import SyncClient

/// The initial sync in growing pages, interrupted between pages and resumed by a new client on
/// the same file (a crash): every row arrives once, nothing is skipped or pulled again.
@Suite("Interrupted initial sync")
struct InterruptedSnapshotTests {
    @Test("page sizes double from pullLimit up to catchUpPullLimit while has_more, and start over on each pull")
    func pageSizes() {
        #expect(SyncClient.nextPullLimit(after: 500, catchUpLimit: 5000) == 1000)
        #expect(SyncClient.nextPullLimit(after: 4000, catchUpLimit: 5000) == 5000)
        #expect(SyncClient.nextPullLimit(after: 5000, catchUpLimit: 5000) == 5000)
        #expect(SyncClient.nextPullLimit(after: 1000, catchUpLimit: 1000) == 1000)
        let configuration = SyncClientConfiguration(databasePath: "unused", pullLimit: 800, catchUpPullLimit: 100)
        #expect(configuration.catchUpPullLimit == 800)
        #expect(SyncClientConfiguration(databasePath: "unused", catchUpPullLimit: 90_000).catchUpPullLimit == 5000)
    }

    @Test("a sync interrupted between pages resumes from the last stored page without loss or duplicates")
    func resumesBetweenPages() async throws {
        let fixture = try ReplicaFixture()
        defer { fixture.remove() }
        let rowCount = 40
        // Given a server whose third pull fails (the client fetches page 3 while writing page 2)
        let failing = PagingServer(rowCount: rowCount, failingRequest: 3)
        let first = try await SyncClient(
            configuration: .init(
                databasePath: fixture.path, serverURL: "http://paging.test", retryPolicy: .immediate, pullLimit: 2, catchUpPullLimit: 8,
                transport: failing))
        try await first.login(tenantCode: "t", username: "u", password: "p")

        // When the initial sync is interrupted, and the process goes away
        await #expect(throws: SyncClientError.self) { try await first.sync() }
        let kept = try await first.rows(.todos).count
        try await first.close()

        // Then the pages written before the failure are there, whole: 2 rows, then 4
        #expect(kept == 6)
        #expect(failing.received.map(\.limit) == [2, 4, 8])
        #expect(failing.received.map(\.cursor) == [nil, "p2", "p6"])

        // When a new client on the same file syncs again
        let resumed = PagingServer(rowCount: rowCount)
        let second = try await SyncClient(
            configuration: .init(
                databasePath: fixture.path, serverURL: "http://paging.test", retryPolicy: .immediate, pullLimit: 2, catchUpPullLimit: 8,
                transport: resumed))
        let report = try await second.sync()

        // Then it continues at the stored cursor (no new snapshot), with growing pages again, and
        // applies each remaining row once: the replica holds every row exactly once
        #expect(resumed.received.first == PagingServer.Pull(cursor: "p6", limit: 2))
        #expect(resumed.received.map(\.limit) == [2, 4, 8, 8, 8, 8])
        #expect(!report.reset)
        #expect(report.pulled == rowCount - kept)
        let keys = try await second.rows(.todos).compactMap { $0["todo_id"]?.stringValue }
        #expect(keys == (0..<rowCount).map(PagingServer.key))
        #expect(try await second.row(.todos, key: PagingServer.key(rowCount - 1))?["title"]?.stringValue == "Row \(rowCount - 1)")

        // And the server's Server-Timing of every page is summed in the report
        #expect(report.pullTimings.serverQuery == .microseconds(1500) * report.pages)
        #expect(report.pullTimings.serverEncode == .microseconds(250) * report.pages)
        try await second.close()
    }
}
