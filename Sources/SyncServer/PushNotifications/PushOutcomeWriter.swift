import Basics
import Commands
import Domain
import Foundation
import Logging
import Outbox
import PushProviders

/// Records the outcomes of one dispatch round as they arrive, a few at a time, so that a crash
/// resends only what was really in flight: each ``write(_:)`` records its outcomes, with each
/// outcome's rule (sent, retry or dead, failed, invalid token with its event, handed back); the
/// dispatcher calls it every ``PushDispatcherOptions/outcomeFlushInterval`` or every
/// ``PushDispatcherOptions/outcomeFlushSize`` outcomes. ``finish(paused:)`` then decides, for the
/// whole round, which channels pause and which resume.
struct PushOutcomeWriter {
    let outbox: PushOutbox
    let commands: CommandService
    let options: PushDispatcherOptions
    let metrics: PushMetrics?
    let owner: String
    let logger: Logger
    /// Retries wait this long (equal jitter), and never less than the provider's `Retry-After`.
    let backoff: Backoff

    /// Channels with at least one accepted send this round.
    private var succeeded: Set<String> = []
    /// Per channel, the last credential error of the round.
    private var credentialErrors: [String: String] = [:]
    /// Per channel, the last "wait" of the round (reason, how long).
    private var throttles: [String: (reason: String, after: Duration?)] = [:]
    /// Per channel, how many deliveries went back without spending their attempt.
    private var released: [String: Int] = [:]
    private var counts = (sent: 0, retrying: 0, failed: 0, invalid: 0)

    init(
        outbox: PushOutbox, commands: CommandService, options: PushDispatcherOptions, metrics: PushMetrics?, owner: String,
        logger: Logger, backoff: Backoff
    ) {
        self.outbox = outbox
        self.commands = commands
        self.options = options
        self.metrics = metrics
        self.owner = owner
        self.logger = logger
        self.backoff = backoff
    }

    /// Records `outcomes`: sent in one statement, retries in one, refusals in one, token
    /// invalidations each with their event, credential errors and waits as deliveries handed back
    /// without spending their attempt.
    mutating func write(_ outcomes: [(ClaimedDelivery, PushOutcome)]) async throws {
        guard !outcomes.isEmpty else { return }
        var sent: [(id: UUID, providerID: String?)] = []
        var retries: [(id: UUID, delay: Duration, error: String)] = []
        var failures: [(id: UUID, reason: String)] = []
        var handedBack: [String: (ids: [UUID], reason: String)] = [:]
        var invalid: [(ClaimedDelivery, String, Date?)] = []
        let now = Date().timeIntervalSince1970
        for (delivery, outcome) in outcomes {
            metrics?.count(provider: delivery.channel, outcome: outcome)
            switch outcome {
            case .accepted(let providerID):
                sent.append((delivery.deliveryID, providerID))
                succeeded.insert(delivery.channel)
                metrics?.latency(provider: delivery.channel, seconds: now - delivery.eventAt)
            case .retry(let reason, let after):
                let delay = max(backoff.delay(retry: delivery.attempts - 1), after ?? .zero)
                retries.append((delivery.deliveryID, delay, reason))
            case .failed(let reason):
                failures.append((delivery.deliveryID, reason))
            case .invalidToken(let reason, let since):
                invalid.append((delivery, reason, since))
            case .credentialsRejected(let reason):
                handedBack[delivery.channel, default: ([], reason)].ids.append(delivery.deliveryID)
                credentialErrors[delivery.channel] = reason
            case .throttled(let reason, let after):
                handedBack[delivery.channel, default: ([], reason)].ids.append(delivery.deliveryID)
                throttles[delivery.channel] = (reason, max(after ?? .zero, throttles[delivery.channel]?.after ?? .zero))
            }
        }
        try await outbox.markSent(sent, owner: owner)
        try await outbox.markRetry(retries, maxAttempts: options.maxAttempts, owner: owner)
        try await outbox.markFailed(failures, owner: owner)
        for (delivery, reason, since) in invalid {
            try await invalidate(delivery, reason: reason, since: since)
        }
        for (channel, back) in handedBack {
            try await outbox.release(back.ids, error: back.reason, owner: owner)
            released[channel, default: 0] += back.ids.count
        }
        counts.sent += sent.count
        counts.retrying += retries.count
        counts.failed += failures.count
        counts.invalid += invalid.count
    }

    /// Ends the round: pauses each channel whose credentials were refused or that was told to
    /// wait, unless a send of it was accepted this round; resumes each channel paused at the
    /// round's start (`paused`) that had an accepted send (its probe).
    func finish(paused: [String: PushChannelState]) async throws {
        for (channel, reason) in credentialErrors.sorted(by: { $0.key < $1.key }) where !succeeded.contains(channel) {
            try await outbox.pause(channel: channel, reason: reason, probe: options.pauseProbe)
            metrics?.paused(provider: channel, true)
            logger.error(
                "push channel paused: the provider rejected our credentials",
                metadata: [
                    "push.channel": "\(channel)", "push.reason": "\(reason)", "push.released": "\(released[channel] ?? 0)",
                ])
        }
        for (channel, throttle) in throttles.sorted(by: { $0.key < $1.key })
        where !succeeded.contains(channel) && credentialErrors[channel] == nil {
            let wait = max(throttle.after ?? .zero, options.pauseProbe)
            try await outbox.pause(channel: channel, reason: throttle.reason, probe: wait, doubling: false)
            metrics?.paused(provider: channel, true)
            logger.warning(
                "push channel paused: the provider asks us to wait",
                metadata: [
                    "push.channel": "\(channel)", "push.reason": "\(throttle.reason)", "push.released": "\(released[channel] ?? 0)",
                    "push.pause": "\(wait)",
                ])
        }
        for channel in succeeded.sorted() where paused[channel]?.isPaused == true {
            if try await outbox.resume(channel: channel) {
                metrics?.paused(provider: channel, false)
                logger.notice("push channel resumed: a probe was accepted", metadata: ["push.channel": "\(channel)"])
            }
        }
        if counts.retrying > 0 || counts.failed > 0 || counts.invalid > 0 {
            logger.info(
                "push round had failures",
                metadata: [
                    "push.sent": "\(counts.sent)", "push.retrying": "\(counts.retrying)", "push.failed": "\(counts.failed)",
                    "push.invalid_tokens": "\(counts.invalid)",
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
            logger.notice(
                outcome.eventTypes.isEmpty ? "push token rejected, but the device registered again since: kept" : "push token rejected: device disabled",
                metadata: [
                    "push.device": "\(delivery.deviceID)", "push.reason": "\(reason)",
                ])
        } catch {
            logger.warning(
                "could not record a rejected token; the delivery fails without disabling the device",
                metadata: [
                    "push.device": "\(delivery.deviceID)", "error": "\(error)",
                ])
            try await outbox.markFailed([(delivery.deliveryID, outcomeReason)], owner: owner)
        }
    }
}
