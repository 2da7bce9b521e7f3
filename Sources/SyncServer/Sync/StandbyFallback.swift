/// Why a pull page was read from the primary although a standby is configured.
enum StandbyFallback: String, Sendable, CaseIterable {
    /// The standby has not replayed what the cursor's chain has seen, or its snapshot is not past
    /// the cursor's position (or its feed epoch is older than the cursor's).
    case behind
    /// The cursor carries no WAL mark (issued before standby reads).
    case oldCursor = "old_cursor"
    /// The standby failed or took longer than the timeout.
    case failed
    /// The standby failed recently and is being left alone.
    case paused
}
