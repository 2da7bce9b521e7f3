import CoreMetrics
import Foundation
import PushProviders

/// The dispatchers' Prometheus metrics, made from an explicit factory (no global bootstrap):
/// `tidemark_push_sends_total{provider,outcome}`, `tidemark_push_latency_seconds{provider}`
/// (from the source event to the provider's acceptance) and `tidemark_push_channel_paused{provider}`.
public struct PushMetrics: Sendable {
    private let factory: any MetricsFactory

    /// Creates metrics recorded through `factory`.
    public init(factory: any MetricsFactory) {
        self.factory = factory
    }

    /// Counts one send's outcome.
    public func count(provider: String, outcome: PushOutcome) {
        Counter(label: "tidemark_push_sends_total", dimensions: [("provider", provider), ("outcome", outcome.label)], factory: factory)
            .increment()
    }

    /// Records the delay from the source event to the provider's acceptance.
    public func latency(provider: String, seconds: Double) {
        Timer(label: "tidemark_push_latency_seconds", dimensions: [("provider", provider)], preferredDisplayUnit: .seconds, factory: factory)
            .recordNanoseconds(Int64(max(seconds, 0) * 1e9))
    }

    /// Records whether `provider`'s channel is paused.
    public func paused(provider: String, _ isPaused: Bool) {
        Gauge(label: "tidemark_push_channel_paused", dimensions: [("provider", provider)], factory: factory)
            .record(isPaused ? 1 : 0)
    }
}
