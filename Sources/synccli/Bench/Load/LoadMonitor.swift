import CommandLineSupport
import Foundation
import Synchronization

/// Watches a load test while it runs: once a second it writes the seconds that have ended to the
/// timeline file (one JSON object per line, `LoadTimelineRow`), and every 10 seconds it prints a
/// progress line to standard error.
struct LoadMonitor: Sendable {
    let recorder: LoadRecorder
    /// The timeline file, or `nil` without `--timeline`.
    let timeline: FileHandle?
    let devices: Int
    let signedIn: BackgroundSockets.Counter

    /// Runs until cancelled, then writes the seconds that are left.
    func run() async {
        var recent: [LoadRequestKind: LoadTally] = [:]
        var recentSeconds = 0
        while (try? await Task.sleep(for: .seconds(1))) != nil {
            for (second, tallies) in recorder.takeSeconds(before: recorder.second(of: .now)) {
                write(second: second, tallies: tallies)
                for (kind, tally) in tallies { recent[kind, default: LoadTally()].merge(tally) }
                recentSeconds += 1
                if recentSeconds == 10 {
                    report(second: second + 1, recent)
                    recent = [:]
                    recentSeconds = 0
                }
            }
        }
        for (second, tallies) in recorder.takeSeconds(before: Int.max) { write(second: second, tallies: tallies) }
    }

    private func phase(of second: Int) -> String {
        guard let window = recorder.window else { return "ramp" }
        if second < recorder.second(of: window.lowerBound) { return "ramp" }
        return second < recorder.second(of: window.upperBound) ? "measure" : "drain"
    }

    private func write(second: Int, tallies: [LoadRequestKind: LoadTally]) {
        guard let timeline else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let line = try? encoder.encode(LoadTimelineRow(second: second, phase: phase(of: second), tallies: tallies)) else { return }
        timeline.write(line + Data("\n".utf8))
    }

    private func report(second: Int, _ tallies: [LoadRequestKind: LoadTally]) {
        let requests = tallies.filter { $0.key != .live }.values.reduce(0) { $0 + $1.requests }
        let errors = tallies.values.reduce(0) { $0 + $1.errors }
        let p99 = [LoadRequestKind.push, .pull, .live, .login].compactMap { kind in
            tallies[kind].flatMap { $0.latencies.isEmpty ? nil : "\(kind.rawValue) \(Int($0.percentile(0.99).rounded())) ms" }
        }
        printError(
            "bench load: \(second) s [\(phase(of: second - 1))], \(signedIn.value.load(ordering: .relaxed))/\(devices) devices signed in, "
                + "\(requests / 10) requests/s, \(errors) errors in 10 s; p99 \(p99.joined(separator: ", "))")
    }
}
