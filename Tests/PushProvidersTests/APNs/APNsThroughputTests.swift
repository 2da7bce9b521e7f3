import Foundation
import PushProviders
import PushStandIns
import Testing

/// Measures deliveries per second through one provider to the in-process stand-in.
/// Run with `APNS_THROUGHPUT=1` (and optionally `APNS_CONCURRENCY`, `APNS_COUNT`), ideally in a release build.
@Suite("APNs throughput")
struct APNsThroughputTests {
    @Test(
        "10,000 sends with bounded concurrency",
        .enabled(if: ProcessInfo.processInfo.environment["APNS_THROUGHPUT"] == "1")
    )
    func throughput() async throws {
        let environment = ProcessInfo.processInfo.environment
        let count = environment["APNS_COUNT"].flatMap(Int.init) ?? 10_000
        let concurrencies = (environment["APNS_CONCURRENCY"] ?? "200")
            .split(separator: ",").compactMap { Int($0) }
        for concurrency in concurrencies {
            try await APNsFixture.with { fixture in
                #expect(await fixture.provider.send(fixture.message()).label == "accepted")
                let messages = (0..<count).map { fixture.message(token: APNsFixture.deviceToken(10_000 + $0)) }
                let provider = fixture.provider
                let start = ContinuousClock.now
                let accepted = await withTaskGroup(of: Bool.self) { group in
                    var iterator = messages.makeIterator()
                    var accepted = 0
                    for _ in 0..<concurrency {
                        guard let message = iterator.next() else { break }
                        group.addTask { await provider.send(message).label == "accepted" }
                    }
                    while let result = await group.next() {
                        if result { accepted += 1 }
                        if let message = iterator.next() {
                            group.addTask { await provider.send(message).label == "accepted" }
                        }
                    }
                    return accepted
                }
                let elapsed = ContinuousClock.now - start
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                let rate = Double(accepted) / seconds
                print(
                    "APNs throughput: \(accepted)/\(count) accepted in \(elapsed) at concurrency \(concurrency): \(Int(rate)) messages/s over \(fixture.standIn.connectionCount) connection(s)"
                )
                #expect(accepted == count)
            }
        }
    }
}
