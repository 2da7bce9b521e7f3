/// Polls `condition` every `interval` until it holds; throws ``TestFailure`` naming `what` when it
/// still does not hold after `timeout`.
///
/// The timeout is a guard against a hang, not a timing assertion: it is generous because the whole
/// suite runs in parallel on small CI machines, where a projection can take many seconds to catch
/// up. Use it where the test cannot go on without the condition.
public func eventually(
    _ what: String, timeout: Duration = .seconds(90), interval: Duration = .milliseconds(50), _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while true {
        if try await condition() { return }
        guard ContinuousClock.now < deadline else { throw TestFailure("timed out waiting: \(what)") }
        try await Task.sleep(for: interval)
    }
}

/// Polls `condition` every `interval` until it holds or `timeout` passes, and answers whether it
/// held (checked once more at the end), for `#expect(try await holdsEventually { … })`.
public func holdsEventually(
    timeout: Duration = .seconds(30), interval: Duration = .milliseconds(50), _ condition: () async throws -> Bool
) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: interval)
    }
    return try await condition()
}
