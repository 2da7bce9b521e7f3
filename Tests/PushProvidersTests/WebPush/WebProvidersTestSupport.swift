import Foundation
import PushProviders
import Synchronization

/// Helpers shared by the Web Push, FCM and webhook tests (namespaced to stay clear of other suites).
enum WebProvidersTestSupport {
    /// A clock tests move by hand.
    final class Clock: Sendable {
        private let current: Mutex<Date>

        init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
            current = Mutex(start)
        }

        var now: Date { current.withLock { $0 } }

        func advance(by seconds: TimeInterval) {
            current.withLock { $0 = $0.addingTimeInterval(seconds) }
        }

        /// The clock as the providers and stand-ins take it.
        var function: @Sendable () -> Date {
            { [self] in now }
        }
    }

    /// A message to `token` expiring an hour after `now`.
    static func message(
        token: String, now: Date, title: String = "Hello", body: String = "World", data: [String: String] = ["k": "v"],
        collapseKey: String? = nil, priority: PushPriority = .high, expiresIn: TimeInterval = 3600
    ) -> PushMessage {
        PushMessage(
            id: UUID(), token: token, title: title, body: body, data: data, collapseKey: collapseKey, priority: priority,
            expiresAt: now.addingTimeInterval(expiresIn)
        )
    }

    /// The `after` of a `.retry` outcome; `nil` (outer) when the outcome is something else.
    static func retryDelay(_ outcome: PushOutcome) -> Duration?? {
        if case .retry(_, let after) = outcome { return .some(after) }
        return nil
    }
}
