import Domain
import Foundation
import Logging
import PostgresNIO
import PushProviders
import ServiceLifecycle

/// Sends due deliveries from `push_deliveries` through the configured providers.
///
/// Any number of dispatchers, in any number of server instances, share the outbox: each round
/// claims a batch with `FOR UPDATE SKIP LOCKED` and a lease, sends with bounded concurrency, and
/// records every outcome only while it still holds the lease. A crashed dispatcher's rows come
/// back when the lease runs out; a resend carries the same delivery id (`apns-id`), so the device
/// shows it once. A rejected token disables the device through `DeviceTokenInvalidated`, recorded
/// in the same transaction as the delivery's outcome. A credential error pauses the channel
/// without spending attempts; after a pause one delivery probes it. So does a provider that asks
/// the channel to wait (``PushOutcome/throttled(reason:after:)``), for as long as it asks. The
/// dispatcher gives its providers the outbox as their ``ProviderTokenStore``.
public struct PushDispatcher: Service {
    /// The outbox.
    public let outbox: PushOutbox
    /// Carries out `invalidateToken`.
    public let commands: CommandService
    /// Providers by channel name.
    public let providers: [String: any PushProvider]
    /// Options.
    public let options: PushDispatcherOptions
    /// Metrics.
    public let metrics: PushMetrics?
    /// This dispatcher's lease owner name (unique per dispatcher).
    public let owner: String
    /// Log.
    public let logger: Logger
    private let backoff: PushBackoff

    /// Creates a dispatcher.
    public init(
        outbox: PushOutbox, commands: CommandService, providers: [any PushProvider], options: PushDispatcherOptions = PushDispatcherOptions(),
        metrics: PushMetrics? = nil, owner: String = "dispatcher-\(UUID().uuidString.lowercased())", logger: Logger,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.outbox = outbox
        self.commands = commands
        self.providers = Dictionary(providers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.options = options
        self.metrics = metrics
        self.owner = owner
        self.logger = logger
        self.backoff = PushBackoff(base: options.backoffBase, cap: options.backoffCap, random: random)
        // Providers keep their own tokens with the channel state, so a restarted or second
        // instance reuses them (APNs refuses token updates more often than every 20 minutes).
        for provider in providers { provider.useTokenStore(outbox) }
    }

    /// Runs rounds until graceful shutdown; the round in flight finishes first.
    public func run() async throws {
        logger.info("push dispatcher started", metadata: ["push.owner": "\(owner)", "push.channels": "\(providers.keys.sorted())"])
        var lastSweep = ContinuousClock.now - options.sweepInterval
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                if ContinuousClock.now - lastSweep >= options.sweepInterval {
                    lastSweep = .now
                    let expired = try await outbox.sweepExpired()
                    if expired > 0 { logger.notice("push deliveries expired while waiting", metadata: ["push.count": "\(expired)"]) }
                }
                let sent = try await round()
                if sent == 0 { try? await Task.sleep(for: options.idlePoll) }
            } catch {
                logger.warning("push dispatcher round failed; trying again", metadata: ["error": "\(String(reflecting: error))"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
        logger.info("push dispatcher stopped", metadata: ["push.owner": "\(owner)"])
    }

    /// Claims one batch, sends it and records the outcomes. Returns how many deliveries it handled.
    @discardableResult
    public func round() async throws -> Int {
        let channels = try await outbox.channelStates()
        for state in channels where providers[state.channel] != nil { metrics?.paused(provider: state.channel, state.isPaused) }
        let paused = Dictionary(channels.map { ($0.channel, $0) }, uniquingKeysWith: { first, _ in first })
        let open = providers.keys.filter { paused[$0]?.isPaused != true }.sorted()
        var claimed = try await outbox.claim(channels: open, limit: options.batchSize, owner: owner, lease: options.lease)
        // A paused channel whose probe is due sends one delivery to learn whether it works again.
        for channel in providers.keys.sorted() where paused[channel]?.isPaused == true && paused[channel]?.probeDue == true {
            claimed += try await outbox.claim(channels: [channel], limit: 1, owner: owner, lease: options.lease)
        }
        guard !claimed.isEmpty else { return 0 }
        let outcomes = await send(claimed)
        try await record(outcomes, paused: paused)
        return claimed.count
    }

    /// Sends every claimed delivery, at most `concurrency` at once.
    private func send(_ claimed: [ClaimedDelivery]) async -> [(ClaimedDelivery, PushOutcome)] {
        await withTaskGroup(of: (ClaimedDelivery, PushOutcome).self) { group in
            var results: [(ClaimedDelivery, PushOutcome)] = []
            results.reserveCapacity(claimed.count)
            var next = claimed.makeIterator()
            func start(_ delivery: ClaimedDelivery) {
                let provider = providers[delivery.channel]
                group.addTask {
                    guard let provider else { return (delivery, .retry(reason: "no provider for channel \(delivery.channel)", after: .seconds(60))) }
                    return (delivery, await provider.send(delivery.message))
                }
            }
            for _ in 0..<max(options.concurrency, 1) {
                guard let delivery = next.next() else { break }
                start(delivery)
            }
            for await result in group {
                results.append(result)
                if let delivery = next.next() { start(delivery) }
            }
            return results
        }
    }

    /// Records outcomes: sent in one statement, retries in one, refusals in one, token
    /// invalidations each with their event, credential errors as a channel pause.
    private func record(_ outcomes: [(ClaimedDelivery, PushOutcome)], paused: [String: PushChannelState]) async throws {
        var sent: [(id: UUID, providerID: String?)] = []
        var retries: [(id: UUID, delay: Duration, error: String)] = []
        var failures: [(id: UUID, reason: String)] = []
        var released: [String: [UUID]] = [:]
        var pauseReasons: [String: String] = [:]
        var waits: [String: (reason: String, after: Duration?)] = [:]
        var invalid: [(ClaimedDelivery, String, Date?)] = []
        var succeeded: Set<String> = []
        let now = Date().timeIntervalSince1970
        for (delivery, outcome) in outcomes {
            metrics?.count(provider: delivery.channel, outcome: outcome)
            switch outcome {
            case .accepted(let providerID):
                sent.append((delivery.deliveryID, providerID))
                succeeded.insert(delivery.channel)
                metrics?.latency(provider: delivery.channel, seconds: now - delivery.eventAt)
            case .retry(let reason, let after):
                retries.append((delivery.deliveryID, backoff.delay(afterAttempt: delivery.attempts, retryAfter: after), reason))
            case .failed(let reason):
                failures.append((delivery.deliveryID, reason))
            case .invalidToken(let reason, let since):
                invalid.append((delivery, reason, since))
            case .credentialsRejected(let reason):
                released[delivery.channel, default: []].append(delivery.deliveryID)
                pauseReasons[delivery.channel] = reason
            case .throttled(let reason, let after):
                released[delivery.channel, default: []].append(delivery.deliveryID)
                waits[delivery.channel] = (reason, max(after ?? .zero, waits[delivery.channel]?.after ?? .zero))
            }
        }
        try await outbox.markSent(sent, owner: owner)
        try await outbox.markRetry(retries, maxAttempts: options.maxAttempts, owner: owner)
        try await outbox.markFailed(failures, owner: owner)
        for (delivery, reason, since) in invalid {
            try await invalidate(delivery, reason: reason, since: since)
        }
        for (channel, ids) in released {
            let reason = pauseReasons[channel] ?? waits[channel]?.reason ?? "credentials rejected"
            try await outbox.release(ids, error: reason, owner: owner)
            guard !succeeded.contains(channel) else { continue }
            if pauseReasons[channel] != nil {
                try await outbox.pause(channel: channel, reason: reason, probe: options.pauseProbe)
                metrics?.paused(provider: channel, true)
                logger.error("push channel paused: the provider rejected our credentials", metadata: [
                    "push.channel": "\(channel)", "push.reason": "\(reason)", "push.released": "\(ids.count)",
                ])
            } else if let wait = waits[channel] {
                let pause = max(wait.after ?? .zero, options.pauseProbe)
                try await outbox.pause(channel: channel, reason: wait.reason, probe: pause, doubling: false)
                metrics?.paused(provider: channel, true)
                logger.warning("push channel paused: the provider asks us to wait", metadata: [
                    "push.channel": "\(channel)", "push.reason": "\(wait.reason)", "push.released": "\(ids.count)",
                    "push.pause": "\(pause)",
                ])
            }
        }
        for channel in succeeded where paused[channel]?.isPaused == true {
            if try await outbox.resume(channel: channel) {
                metrics?.paused(provider: channel, false)
                logger.notice("push channel resumed: a probe was accepted", metadata: ["push.channel": "\(channel)"])
            }
        }
        if !retries.isEmpty || !failures.isEmpty || !invalid.isEmpty {
            logger.info("push round had failures", metadata: [
                "push.sent": "\(sent.count)", "push.retrying": "\(retries.count)", "push.failed": "\(failures.count)",
                "push.invalid_tokens": "\(invalid.count)",
            ])
        }
    }

    /// Disables the device through `DeviceTokenInvalidated` and fails the delivery in the same transaction.
    private func invalidate(_ delivery: ClaimedDelivery, reason: String, since: Date?) async throws {
        let outcomeReason = "the provider rejected the token: \(reason)"
        guard let device = DeviceID(delivery.deviceID), let tenant = TenantID(delivery.tenantID) else {
            try await outbox.markFailed([(delivery.deliveryID, outcomeReason)], owner: owner)
            return
        }
        let owner = owner
        let logger = logger
        let id = delivery.deliveryID
        do {
            let outcome = try await commands.execute(
                Device.self, id: device,
                command: .invalidateToken(device, pushToken: delivery.token, reason: reason, providerTimestamp: since ?? Date()),
                envelope: CommandEnvelope(principal: .system(tenantID: tenant), correlationID: id.uuidString.lowercased()),
                alsoInTransaction: { connection in
                    try await PushOutbox.markInvalidToken(id, reason: outcomeReason, owner: owner, on: connection, logger: logger)
                })
            logger.notice(outcome.eventTypes.isEmpty ? "push token rejected, but the device registered again since: kept" : "push token rejected: device disabled", metadata: [
                "push.device": "\(delivery.deviceID)", "push.reason": "\(reason)",
            ])
        } catch {
            logger.warning("could not record a rejected token; the delivery fails without disabling the device", metadata: [
                "push.device": "\(delivery.deviceID)", "error": "\(error)",
            ])
            try await outbox.markFailed([(delivery.deliveryID, outcomeReason)], owner: owner)
        }
    }
}
