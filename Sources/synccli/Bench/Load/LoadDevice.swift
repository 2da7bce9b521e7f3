import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import SyncProtocol
import Synchronization

/// One simulated device of `synccli bench load`: a lean client that speaks the sync protocol over
/// raw HTTP (no replica). It signs in once at its slot of the ramp-up, keeps a live socket, and
/// then repeats until cancelled: think, (refresh when due), pull until `has_more` is false, push 1 to
/// 5 mutations (or retry the unanswered push unchanged), and now and then reconnect its socket.
struct LoadDevice: Sendable {
    /// The device's number (0-based); devices 2k and 2k+1 belong to the same user.
    let index: Int
    let account: LoadAccount
    /// The `device_id` it signs in with.
    let deviceID: String
    /// When its sign-in is due.
    let startAt: ContinuousClock.Instant
    let socket: LoadLiveSocket
    /// The socket of the user's other device, where this device's pushes are probed; `nil` for a
    /// user with one device.
    let peer: LoadLiveSocket?
    let plan: LoadPlan
    let api: BenchAPI
    let recorder: LoadRecorder
    /// Counts devices signed in.
    let signedIn: BackgroundSockets.Counter
    /// When devices stop starting cycles, in milliseconds after the recorder's start (`Int.max`
    /// until the measured window is set). A cycle under way finishes; cancelling the task stops
    /// the device at once.
    let endMilliseconds: BackgroundSockets.Counter

    /// The device's half of its user's notifications (every other one, by device number).
    private var notifications: [String] {
        account.notifications.enumerated().filter { $0.offset % 2 == index % 2 }.map(\.element)
    }

    /// Runs the device until the end of the run, or until its task is cancelled; returns what it
    /// holds then.
    func run() async -> LoadDeviceState {
        var state = LoadDeviceState()
        guard (try? await Task.sleep(until: startAt, clock: .continuous)) != nil else { return state }
        // A failed sign-in is tried again after 2, 4, 8, … up to 30 s (± 50 %), as an app would:
        // retrying at once only feeds an overloaded server more password checks.
        var failures = 0
        while state.tokens == nil {
            await signIn(&state)
            guard state.tokens == nil else { break }
            failures += 1
            let pause = Double(min(30, 1 << min(failures, 5))) * Double.random(in: 0.5..<1.5)
            guard (try? await Task.sleep(for: .seconds(pause))) != nil else { return state }
        }
        signedIn.value.add(1, ordering: .relaxed)
        while !Task.isCancelled, ContinuousClock.now < end {
            await cycle(&state)
            let wait = min(plan.interval * Double.random(in: 0.5..<1.5), end - .now)
            guard wait > .zero, (try? await Task.sleep(for: wait)) != nil else { break }
        }
        return state
    }

    private var end: ContinuousClock.Instant {
        let milliseconds = endMilliseconds.value.load(ordering: .relaxed)
        return milliseconds == Int.max ? startAt + .seconds(86_400 * 2) : recorder.start + .milliseconds(milliseconds)
    }

    /// After the run: sends the unanswered push once more (outside the measured window), then
    /// closes the socket.
    func drain(_ state: inout LoadDeviceState) async {
        if state.pending != nil, state.tokens != nil { await push(&state) }
        socket.expireProbes()
        await socket.close()
    }

    private func cycle(_ state: inout LoadDeviceState) async {
        if state.tokens == nil { await signIn(&state) }
        if state.needsRefresh { await refresh(&state) }
        guard state.tokens != nil else { return }
        if !socket.isOpen || Double.random(in: 0..<1) < plan.reconnectProbability { await reconnect(state) }
        await pull(&state)
        await push(&state)
        socket.expireProbes()
    }

    private func signIn(_ state: inout LoadDeviceState) async {
        let body = LoginRequest(tenantCode: plan.tenantCode, username: account.username, password: plan.password, deviceID: deviceID)
        guard let data = await request(.login, .POST, "/v1/auth/login", body: body, token: nil),
            let tokens = try? JSONDecoder().decode(TokenResponse.self, from: data)
        else { return }
        state.tokens = tokens
        state.issued = .now
        state.refreshDue = false
        await reconnect(state)
    }

    private func refresh(_ state: inout LoadDeviceState) async {
        guard let current = state.tokens else { return }
        let outcome = await send(.refresh, .POST, "/v1/auth/refresh", body: RefreshRequest(refreshToken: current.refreshToken), token: nil)
        if case .answered(200, let data) = outcome, let tokens = try? JSONDecoder().decode(TokenResponse.self, from: data) {
            state.tokens = tokens
            state.issued = .now
            state.refreshDue = false
        } else if case .answered(401, _) = outcome {
            state.tokens = nil  // the session is gone: sign in again next cycle
        }
    }

    private func reconnect(_ state: LoadDeviceState) async {
        guard let token = state.tokens?.accessToken else { return }
        await socket.close()
        socket.connect(url: plan.liveURL + "?access_token=" + token)
    }

    /// Pulls pages until `has_more` is false (at most 50 in one cycle).
    private func pull(_ state: inout LoadDeviceState) async {
        struct Page: Decodable {
            var cursor: String
            var hasMore: Bool
            enum CodingKeys: String, CodingKey {
                case cursor
                case hasMore = "has_more"
            }
        }
        for _ in 0..<50 {
            let path = "/v1/sync/pull?limit=500" + (state.cursor.map { "&cursor=" + $0 } ?? "")
            let outcome = await send(.pull, .GET, path, body: Optional<String>.none, token: state.tokens?.accessToken)
            switch outcome {
            case .answered(200, let data):
                guard let page = try? JSONDecoder().decode(Page.self, from: data) else { return }
                state.cursor = page.cursor
                if !page.hasMore { return }
            case .answered(401, _):
                state.refreshDue = true
                return
            case .answered(400, _), .answered(410, _):
                state.cursor = nil
                return
            default:
                return
            }
        }
    }

    private func push(_ state: inout LoadDeviceState) async {
        guard let push = state.pending ?? state.newPush(notifications: notifications) else { return }
        state.pending = push
        let sent = ContinuousClock.now
        socket.ownPushSent(at: sent)
        let probe = peer?.beginProbe(sent: sent)
        let outcome = await send(.push, .POST, "/v1/sync/push", body: push.request, token: state.tokens?.accessToken)
        guard case .answered(200, let data) = outcome, let response = try? JSONDecoder().decode(SyncPushResponse.self, from: data),
            response.results.count == push.entries.count
        else {
            peer?.acknowledge(probe: probe, at: nil, applied: false)
            if case .answered(401, _) = outcome { state.refreshDue = true }
            return
        }
        let answered = ContinuousClock.now
        let appended = state.answered(push, response)
        state.pending = nil
        peer?.acknowledge(probe: probe, at: answered, applied: appended)
    }

    /// How a request ended.
    private enum Outcome {
        case answered(Int, Data)
        case failed
    }

    /// Sends a request and records it: an error unless it answered 2xx (a `401` is an error too: the
    /// device refreshes and carries on). A request cut off by the end of the run is not recorded.
    private func send(_ kind: LoadRequestKind, _ method: HTTPMethod, _ path: String, body: (some Encodable)?, token: String?) async -> Outcome {
        let start = ContinuousClock.now
        do {
            let encoded = try body.map { try JSONEncoder().encode($0) }
            let (status, buffer) = try await api.send(method, path, body: encoded, token: token, timeout: .seconds(30))
            let ok = (200..<300).contains(status)
            recorder.record(kind, latency: .now - start, error: !ok, problem: ok ? nil : "HTTP \(status): \(String(buffer: buffer).prefix(200))")
            return .answered(status, Data(buffer.readableBytesView))
        } catch {
            if !Task.isCancelled { recorder.record(kind, latency: nil, error: true, problem: String(describing: error).prefix(200).description) }
            return .failed
        }
    }

    private func request(_ kind: LoadRequestKind, _ method: HTTPMethod, _ path: String, body: some Encodable, token: String?) async -> Data? {
        if case .answered(200, let data) = await send(kind, method, path, body: body, token: token) { return data }
        return nil
    }
}
