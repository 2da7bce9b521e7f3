/// Runs `body`, then `cleanUp`, whether `body` returned or threw: the teardown of a test's servers,
/// clients and databases.
public func withCleanUp<Result>(_ body: () async throws -> Result, cleanUp: () async -> Void) async throws -> Result {
    let result: Result
    do {
        result = try await body()
    } catch {
        await cleanUp()
        throw error
    }
    await cleanUp()
    return result
}
