import EventStore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A one-line progress bar on standard error: done/total, rate and time left.
///
/// On a terminal it redraws one line at most five times a second. When standard error is not a
/// terminal (a log file, CI, a pipe) it writes a plain line every ``plainInterval`` instead, so
/// logs do not fill with carriage-return frames.
struct ProgressBar {
    /// What 100 % is; may grow while running (see ``update(_:total:force:)``).
    private(set) var total: Int
    /// Printed before the bar.
    let label: String
    /// A word for what is counted (`events`, `commands`).
    let unit: String
    /// When the bar was created.
    let start = ContinuousClock.now
    /// Whether standard error is a terminal.
    let interactive: Bool
    /// How often a plain line is written when standard error is not a terminal.
    let plainInterval: Duration
    private var lastDraw = ContinuousClock.now - .seconds(3600)

    /// Creates a bar.
    /// - Parameters:
    ///   - total: What 100 % is.
    ///   - label: Printed before the bar.
    ///   - unit: What is counted, shown in plain lines.
    ///   - interactive: Redraw in place (default: whether standard error is a terminal).
    ///   - plainInterval: The pause between plain lines.
    init(total: Int, label: String, unit: String = "", interactive: Bool = isatty(STDERR_FILENO) == 1, plainInterval: Duration = .seconds(5)) {
        self.total = max(total, 1)
        self.label = label
        self.unit = unit
        self.interactive = interactive
        self.plainInterval = plainInterval
        if !interactive { lastDraw = start }
    }

    /// Shows `done` (and a new `total`, when given); draws only when enough time has passed or `force` is set.
    mutating func update(_ done: Int, total newTotal: Int? = nil, force: Bool = false) {
        if let newTotal { total = max(newTotal, done, 1) }
        let now = ContinuousClock.now
        guard force || now - lastDraw >= (interactive ? .milliseconds(200) : plainInterval) else { return }
        lastDraw = now
        let elapsed = Self.seconds(now - start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let left = rate > 0 ? Double(max(total - done, 0)) / rate : 0
        let percent = min(done, total) * 100 / total
        if interactive {
            let width = 30
            let filled = min(width, done * width / total)
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            let line = String(format: "\r%@ [%@] %3d%% %d/%d  %.0f/s  %.0fs left ", label, bar, percent, done, total, rate, left)
            FileHandle.standardError.write(Data(line.utf8))
        } else {
            let unit = unit.isEmpty ? "" : " \(unit)"
            let line = String(format: "%@: %d/%d%@ (%d%%)  %.0f/s  %.0fs elapsed  %.0fs left\n", label, done, total, unit, percent, rate, elapsed, left)
            FileHandle.standardError.write(Data(line.utf8))
        }
    }

    /// Ends the bar's line (on a terminal).
    func finish() {
        if interactive { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    /// `duration` in seconds.
    static func seconds(_ duration: Duration) -> Double {
        duration.seconds
    }
}
