/// Remembers that the standby failed, so pulls skip it for a while: shared by every pull of one
/// instance.
actor StandbyGate {
    private var closedUntil: ContinuousClock.Instant?

    /// Whether a pull may try the standby now.
    func isOpen(now: ContinuousClock.Instant = .now) -> Bool {
        guard let closedUntil else { return true }
        if now >= closedUntil {
            self.closedUntil = nil
            return true
        }
        return false
    }

    /// Closes the gate for `pause`. Returns whether it was open (so only the first failure of a
    /// series is logged as a warning).
    func fail(for pause: Duration, now: ContinuousClock.Instant = .now) -> Bool {
        let wasOpen = closedUntil.map { now >= $0 } ?? true
        closedUntil = now + pause
        return wasOpen
    }
}
