import Foundation
import Logging
import SyncProtocol

extension SyncClient {
    /// The largest push batch the server accepts.
    static let pushBatchSize = 100

    /// Pushes the pending mutations (in batches of at most 100), then pulls until the server has
    /// nothing more, rebasing what is still queued on top. A call made while a sync runs joins it.
    ///
    /// Transient failures are retried with backoff; when they persist the state becomes `offline`
    /// and the error is thrown. A push or pull refused `429 rate_limited` is retried after the
    /// server's `Retry-After` when that is within the retry policy's cap (longer: the error is
    /// thrown with ``SyncClientError/retryAfter`` set, and ``run()`` waits that long). A revoked session or a refused refresh moves to `reauthRequired`,
    /// `426` to `upgradeRequired`; both stop syncing until the user acts.
    /// - Returns: What was pushed, applied, rejected and pulled.
    /// - Throws: ``SyncClientError`` (`not_signed_in`, `reauth_required`, `upgrade_required`,
    ///   `network`, …) or `CancellationError`.
    @discardableResult
    public func sync() async throws -> SyncReport {
        if let inFlightSync { return try await inFlightSync.value }
        let task = Task { try await self.performSync() }
        inFlightSync = task
        defer { inFlightSync = nil }
        return try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
    }

    /// One sync: push, pull, bookkeeping of the state.
    private func performSync() async throws -> SyncReport {
        switch state {
        case .upgradeRequired:
            throw SyncClientError(.upgradeRequired, "the server needs a newer app (protocol \(ProtocolVersion.current) is no longer supported)")
        case .reauthRequired:
            throw SyncClientError(.reauthRequired, "the session ended; sign in again")
        case .signedOut:
            throw SyncClientError(.notSignedIn, "the replica has no session; call login first")
        case .idle, .syncing, .offline:
            break
        }
        await setState(.syncing)
        do {
            var report = SyncReport()
            try await push(into: &report)
            try await pull(into: &report)
            try await replica.set([.lastSyncAt: Timestamp.string(from: Date())])
            await setState(.idle)
            logger.debug(
                "sync finished",
                metadata: [
                    "sync.pushed": .stringConvertible(report.pushed), "sync.rejected": .stringConvertible(report.rejected),
                    "sync.pulled": .stringConvertible(report.pulled),
                ])
            return report
        } catch let error as SyncClientError {
            await record(error)
            throw error
        } catch {
            if state == .syncing { await setState(.idle) }
            throw error
        }
    }

    /// Moves to the state a failed sync calls for.
    private func record(_ error: SyncClientError) async {
        if error.code == .upgradeRequired || error.status == 426 {
            logger.error("server requires a newer protocol", metadata: ["sync.error": .string(error.description)])
            await setState(.upgradeRequired)
        } else if error.endsSession {
            await requireReauth(error)
        } else if !state.blocksSync {
            logger.info("sync failed", metadata: ["sync.error": .string(error.description)])
            await setState(.offline(error))
        }
    }

    /// Runs an authenticated request; on `token_expired`, or `unauthorized` (the server's signing
    /// key was rotated, say), refreshes the token once and retries. Only a refused refresh, or a
    /// refusal of the fresh token, ends the session.
    private func authorized<T: Sendable>(_ call: @escaping @Sendable (APIClient, String) async throws -> T) async throws -> T {
        let api = try api()
        let token = try await accessToken()
        do {
            return try await retrying(waitingOutRateLimits: true) { try await call(api, token) }
        } catch let error as SyncClientError where error.code == .tokenExpired || error.code == .unauthorized {
            let fresh = try await refreshedAccessToken(replacing: token)
            return try await retrying(waitingOutRateLimits: true) { try await call(api, fresh) }
        }
    }

    /// Sends every pending mutation and records the answers.
    private func push(into report: inout SyncReport) async throws {
        while true {
            let batch = try await replica.pending(limit: Self.pushBatchSize)
            guard !batch.isEmpty else { return }
            let request = SyncPushRequest(mutations: batch.map(\.wire))
            let response = try await authorized { api, token in try await api.push(request, token: token) }
            let outcome = try await replica.applyPushResults(response.results)
            report.pushed += batch.count
            report.applied += outcome.applied
            report.rejected += outcome.rejections.count
            for rejection in outcome.rejections {
                logger.info(
                    "mutation rejected",
                    metadata: ["sync.mutation": .string(rejection.name.rawValue), "sync.code": .string(rejection.code)])
                configuration.onRejection?(rejection)
            }
            let answered = Set(response.results.map(\.id))
            guard batch.contains(where: { answered.contains($0.id) }) else {
                throw SyncClientError(.badResponse, "the server answered none of the \(batch.count) pushed mutations")
            }
        }
    }

    /// Whether a pull error means "start over with a snapshot": `410 resync_required`, or a `400`
    /// answer to a pull that sent a cursor (the only input a pull has besides a valid limit, so the
    /// server did not accept the stored cursor).
    static func needsSnapshot(_ error: SyncClientError, cursor: String?) -> Bool {
        error.code == .resyncRequired || error.status == 410 || (error.status == 400 && cursor != nil)
    }

    /// The page size after a page that said `has_more`: twice `limit`, at most `catchUpLimit`
    /// (never less than `limit`).
    static func nextPullLimit(after limit: Int, catchUpLimit: Int) -> Int {
        max(limit, min(limit * 2, catchUpLimit))
    }

    /// Pulls pages until `has_more` is false; restarts with a snapshot once when the cursor is refused.
    ///
    /// The first page asks for ``SyncClientConfiguration/pullLimit`` rows; while the server says
    /// `has_more` (a snapshot, or a replica far behind) each next page asks for twice as many, up
    /// to ``SyncClientConfiguration/catchUpPullLimit``: fewer round trips and transactions, while
    /// the first page stays small so writing starts early.
    private func pull(into report: inout SyncReport) async throws {
        var cursor = try await replica.setting(.cursor)
        var restarted = false
        var limit = configuration.pullLimit
        let catchUpLimit = configuration.catchUpPullLimit
        // The next page is fetched while this one is written to the file (a snapshot is many pages).
        var prefetched: Task<PulledPage, any Error>?
        defer { prefetched?.cancel() }
        let clock = ContinuousClock()
        while true {
            let from = cursor
            let size = limit
            let pulled: PulledPage
            do {
                if let next = prefetched {
                    prefetched = nil
                    pulled = try await next.value
                } else {
                    pulled = try await authorized { api, token in try await api.pull(cursor: from, limit: size, token: token) }
                }
            } catch let error as SyncClientError where !restarted && Self.needsSnapshot(error, cursor: from) {
                logger.notice("cursor refused, pulling a snapshot", metadata: ["sync.error": .string(error.description)])
                restarted = true
                cursor = nil
                limit = configuration.pullLimit
                try await replica.set([.cursor: nil])
                continue
            }
            let page = pulled.page
            if page.hasMore {
                limit = Self.nextPullLimit(after: limit, catchUpLimit: catchUpLimit)
            }
            if page.hasMore, !(page.changes.isEmpty && page.cursor == from) {
                let next = page.cursor
                let nextLimit = limit
                prefetched = Task { try await self.authorized { api, token in try await api.pull(cursor: next, limit: nextLimit, token: token) } }
            }
            let writeStart = clock.now
            let outcome = try await replica.applyPullPage(page, durable: configuration.durablePullPages)
            report.pullTimings.add(pulled.timings)
            report.pullTimings.write += clock.now - writeStart
            report.pulled += outcome.changes
            report.pages += 1
            report.reset = report.reset || page.reset
            cursor = page.cursor
            guard page.hasMore else { return }
            if page.changes.isEmpty, page.cursor == from {
                throw SyncClientError(.badResponse, "the server said has_more without changes or a new cursor")
            }
        }
    }
}
