import Foundation
import Synchronization

/// A clock tests move by hand, shared by a provider and a stand-in.
final class APNsTestClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date()) {
        current = Mutex(start)
    }

    /// The clock's time.
    var now: Date { current.withLock { $0 } }

    /// Moves the clock forward.
    func advance(minutes: Double) {
        current.withLock { $0 = $0.addingTimeInterval(minutes * 60) }
    }

    /// The clock as the closure the configurations take.
    var function: @Sendable () -> Date {
        { [self] in self.now }
    }
}
