import Foundation
import HTTPTypes
import Logging
import TidemarkTestSupport
import WSClient

/// A device's live WebSocket in a test: counts the pokes it receives.
final class LiveListener: Sendable {
    let hellos = Locked<Int>(0)
    let pokes = Locked<Int>(0)
    let failure = Locked<String?>(nil)
    private let task = Locked<Task<Void, Never>?>(nil)

    /// Connects to `baseURL`'s live endpoint with `token` and listens in the background.
    func connect(baseURL: String, token: String, logger: Logger) {
        let url = baseURL.replacingOccurrences(of: "http://", with: "ws://") + "/v1/sync/live"
        var headers = HTTPFields()
        headers[.authorization] = "Bearer \(token)"
        let handle = Task {
            // Like a real client, try again when the connection fails before the greeting (a
            // loaded test machine can drop an upgrade); a refused upgrade fails every attempt.
            for attempt in 1...3 {
                do {
                    try await WebSocketClient.connect(url: url, configuration: .init(additionalHeaders: headers), logger: logger) { inbound, _, _ in
                        for try await message in inbound.messages(maxSize: 1 << 16) {
                            guard case .text(let text) = message else { continue }
                            if text.contains("\"hello\"") { self.hellos.withLock { $0 += 1 } }
                            if text.contains("\"poke\"") { self.pokes.withLock { $0 += 1 } }
                        }
                    }
                    return
                } catch {
                    if Task.isCancelled || self.hellos.value > 0 || attempt == 3 {
                        self.failure.withLock { $0 = String(describing: error) }
                        return
                    }
                    try? await Task.sleep(for: .milliseconds(300))
                }
            }
        }
        task.withLock { $0 = handle }
    }

    /// Closes the connection.
    func close() async {
        let handle = task.withLock { value in
            let current = value
            value = nil
            return current
        }
        handle?.cancel()
        await handle?.value
    }
}
