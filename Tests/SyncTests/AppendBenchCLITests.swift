import Testing
import TidemarkTestSupport

/// `synccli bench append`'s option checks, run as a real process (the benchmark itself is not run:
/// it needs minutes and a quiet machine).
@Suite("synccli bench append options", .timeLimit(.minutes(2)))
struct AppendBenchCLITests {
    @Test(
        "bad options are refused with exit 64 and a clear message",
        arguments: [
            (["--writers", "0"], "--writers must be comma-separated integers 1-1000"),
            (["--batches", "1,x"], "--batches must be comma-separated integers 1-1000"),
            (["--seconds", "0.1"], "--seconds must be 0.5-600"),
            (["--rounds", "101"], "--rounds must be 1-100"),
            (["--append-statements", "0"], "--append-statements must be 1-1000"),
            (["--append-any-size", "0"], "--append-any-size must be 1-1000"),
            (["--append-min-events", "0"], "--append-min-events must be 1-100000"),
            (["--append-events", "0"], "--append-events must be 1-1000000"),
            (["--coalesced-events", "100001"], "--coalesced-events must be 1-100000"),
        ])
    func badOptions(arguments: [String], message: String) async throws {
        let run = try await SyncCLI.run(["bench", "append"] + arguments, database: nil)
        #expect(run.status == 64, "\(arguments): \(run.error)")
        #expect(run.error.contains(message), "\(arguments): \(run.error)")
    }
}
