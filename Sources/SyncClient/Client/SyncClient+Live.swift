import Logging
import SyncProtocol

extension SyncClient {
    /// Keeps the replica live until cancelled: syncs, opens the `/v1/sync/live` WebSocket, and syncs
    /// again on every poke (pokes that arrive during a sync are coalesced into one more sync). A
    /// broken connection or a failed sync is retried with backoff and full jitter. When the server
    /// closes the socket because it is shutting down (1012 service restart, or 1001 going away:
    /// ``LiveClose/asksToReconnect``), the client reconnects after ``RetryPolicy/restartDelay()``
    /// (at most a second by default), not after a back-off, and counts no failure.
    ///
    /// Returns when the task is cancelled, or when the state becomes `signedOut`,
    /// `reauthRequired` or `upgradeRequired` (check ``state``); it never loops on a refused session.
    public func run() async {
        let policy = configuration.retryPolicy
        var failures = 0
        logger.info("live sync started")
        while !Task.isCancelled, !state.blocksSync {
            var wait: Duration?
            do {
                try await sync()
                let (greeted, close) = try await connectLive()
                if let close, close.asksToReconnect {
                    failures = 0
                    logger.info(
                        "the server closed the live socket to restart; reconnecting",
                        metadata: ["sync.close_code": "\(close.code ?? 0)"])
                    do {
                        try await policy.sleep(policy.restartDelay())
                    } catch {
                        break
                    }
                    continue
                }
                failures = greeted ? 0 : failures + 1
            } catch is CancellationError {
                break
            } catch let error as SyncClientError {
                if state.blocksSync { break }
                failures += 1
                wait = error.retryAfter
                logger.info("live sync interrupted", metadata: ["sync.error": .string(error.description)])
            } catch {
                failures += 1
                logger.info("live sync interrupted", metadata: ["sync.error": .string(String(describing: error))])
            }
            let backoff = policy.delay(forAttempt: max(failures - 1, 0))
            do {
                try await policy.sleep(max(wait ?? .zero, backoff))
            } catch {
                break
            }
        }
        logger.info("live sync stopped", metadata: ["sync.state": .string(state.description)])
    }

    /// Holds one live connection: syncs on `hello` and on every `poke` until the socket closes.
    /// - Returns: Whether the server greeted the connection (so the next reconnect need not back
    ///   off), and how the server closed it.
    private func connectLive() async throws -> (greeted: Bool, close: LiveClose?) {
        let api = try api()
        let token = try await accessToken()
        let transport = transport
        let (signals, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        // A quiet socket still syncs now and then: a poke whose pull found the change held back
        // behind an open transaction on the server gets no second poke. Once the socket closes, the
        // stream is finished and these signals go nowhere; the timer ends with this call.
        let interval = configuration.livePollInterval
        let poll = Task {
            while true {
                do { try await Task.sleep(for: interval) } catch { return }
                continuation.yield()
            }
        }
        defer { poll.cancel() }
        return try await withThrowingTaskGroup(of: (greeted: Bool, close: LiveClose?).self) { group in
            group.addTask {
                defer { continuation.finish() }
                let close = try await transport.live(url: api.liveURL, headers: api.headers(token: token)) { message in
                    if message.type == LiveMessage.poke.type || message.type == LiveMessage.hello.type {
                        continuation.yield()
                    }
                }
                return (false, close)
            }
            group.addTask {
                var greeted = false
                for await _ in signals {
                    greeted = true
                    try await self.sync()
                }
                return (greeted, nil)
            }
            var greeted = false
            var close: LiveClose?
            for try await result in group {
                greeted = greeted || result.greeted
                close = close ?? result.close
            }
            return (greeted, close)
        }
    }
}
