import Basics
import Commands
import Foundation
import Logging
import Outbox
import PostgresNIO
import PushProviders
import ServiceLifecycle

/// Sends due deliveries from `push_deliveries` through the configured providers.
///
/// Any number of dispatchers, in any number of server instances, share the outbox: each round
/// claims a batch with `FOR UPDATE SKIP LOCKED` and a lease, sends with bounded concurrency, and
/// records each outcome within ``PushDispatcherOptions/outcomeFlushInterval`` of the provider's
/// answer, only while it still holds the lease. A crashed dispatcher's rows that were still in
/// flight come back when the lease runs out; a resend carries the same delivery id (`apns-id`) and
/// collapse id (`apns-collapse-id`, FCM `tag`), so the device shows it once. A rejected token disables the device through `DeviceTokenInvalidated`, recorded
/// in the same transaction as the delivery's outcome. A credential error pauses the channel
/// without spending attempts; after a pause one delivery probes it. So does a provider that asks
/// the channel to wait (``PushOutcome/throttled(reason:after:)``), for as long as it asks. The
/// dispatcher gives its providers the outbox as their ``ProviderTokenStore``.
///
/// On graceful shutdown it claims nothing more; the round in flight finishes the sends already
/// started and records their outcomes, and hands the claimed deliveries it has not started back
/// to the outbox at once (lease cleared, attempt not counted), so another instance can claim them
/// without waiting for the lease to run out, and this one never sends them.
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
    private let backoff: Backoff

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
        self.backoff = Backoff(base: options.backoffBase, cap: options.backoffCap, jitter: .equal, random: random)
        // Providers keep their own tokens with the channel state, so a restarted or second
        // instance reuses them (APNs refuses token updates more often than every 20 minutes).
        for provider in providers { provider.useTokenStore(outbox) }
    }

    /// Runs rounds until graceful shutdown; the round in flight finishes the sends it started and
    /// hands the rest of its claim back.
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
        if Task.isShuttingDownGracefully {
            logger.notice("push dispatcher stopped: sends in flight recorded, unsent claims handed back", metadata: ["push.owner": "\(owner)"])
        } else {
            logger.info("push dispatcher stopped", metadata: ["push.owner": "\(owner)"])
        }
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
        try await sendAndRecord(claimed, paused: paused)
        return claimed.count
    }

    /// What the sending side hands the recording side of a round.
    private enum RoundEvent: Sendable {
        /// A provider's answer.
        case outcome(ClaimedDelivery, PushOutcome)
        /// Time to record what has arrived.
        case tick
        /// Claimed deliveries not sent because a graceful shutdown began.
        case unsent([ClaimedDelivery])
    }

    /// Sends every claimed delivery, at most `concurrency` at once, and records the outcomes as
    /// they arrive: every `outcomeFlushInterval`, or as soon as `outcomeFlushSize` are waiting, in
    /// a task of their own while the sends go on. A crash then resends only what was in flight or
    /// answered within the last interval. Pauses and resumes are decided once the round is over.
    private func sendAndRecord(_ claimed: [ClaimedDelivery], paused: [String: PushChannelState]) async throws {
        let (events, sink) = AsyncStream.makeStream(of: RoundEvent.self)
        let interval = options.outcomeFlushInterval
        let flushSize = max(options.outcomeFlushSize, 1)
        var writer = PushOutcomeWriter(
            outbox: outbox, commands: commands, options: options, metrics: metrics, owner: owner, logger: logger, backoff: backoff)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    sink.yield(.tick)
                }
            }
            group.addTask {
                let unsent = await send(claimed) { delivery, outcome in sink.yield(.outcome(delivery, outcome)) }
                if !unsent.isEmpty { sink.yield(.unsent(unsent)) }
                sink.finish()
            }
            var pending: [(ClaimedDelivery, PushOutcome)] = []
            pending.reserveCapacity(flushSize)
            var unsent: [ClaimedDelivery] = []
            for await event in events {
                switch event {
                case .outcome(let delivery, let outcome):
                    pending.append((delivery, outcome))
                    guard pending.count >= flushSize else { continue }
                case .tick:
                    guard !pending.isEmpty else { continue }
                case .unsent(let deliveries):
                    unsent = deliveries
                    continue
                }
                try await writer.write(pending)
                pending.removeAll(keepingCapacity: true)
            }
            try await writer.write(pending)
            group.cancelAll()
            if !unsent.isEmpty {
                try await outbox.release(unsent.map(\.deliveryID), error: nil, owner: owner)
                logger.notice(
                    "shutting down: handed unsent push deliveries back to the outbox",
                    metadata: ["push.owner": "\(owner)", "push.count": "\(unsent.count)"])
            }
        }
        try await writer.finish(paused: paused)
    }

    /// Sends every claimed delivery, at most `concurrency` at once, handing each outcome to `record`
    /// as it arrives. Once a graceful shutdown begins it starts no more sends; returns the
    /// deliveries it did not start.
    private func send(_ claimed: [ClaimedDelivery], record: @escaping @Sendable (ClaimedDelivery, PushOutcome) -> Void) async -> [ClaimedDelivery] {
        await withTaskGroup(of: (ClaimedDelivery, PushOutcome).self) { group in
            var next = claimed.makeIterator()
            func start(_ delivery: ClaimedDelivery) {
                let provider = providers[delivery.channel]
                group.addTask {
                    guard let provider else { return (delivery, .retry(reason: "no provider for channel \(delivery.channel)", after: .seconds(60))) }
                    return (delivery, await provider.send(delivery.message))
                }
            }
            for _ in 0..<max(options.concurrency, 1) {
                guard !Task.isShuttingDownGracefully, let delivery = next.next() else { break }
                start(delivery)
            }
            for await (delivery, outcome) in group {
                record(delivery, outcome)
                if !Task.isShuttingDownGracefully, let delivery = next.next() { start(delivery) }
            }
            return Array(IteratorSequence(next))
        }
    }
}
