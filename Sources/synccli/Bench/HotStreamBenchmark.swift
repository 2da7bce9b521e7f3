import CommandLineSupport
import EventStore
import Foundation
import NIOCore
import NIOHTTP1
import SyncProtocol

/// The hot-stream case of `synccli bench sync` (issue 20 item 7): `devices` devices of one user
/// each push `edits` edits of one todo in one request, all at the same moment, for `rounds`
/// rounds; against the same pushes one after another on another todo.
///
/// A push answered `503` is sent again unchanged after a short pause, as a client does; the
/// answers' latency counts from the first attempt, and every `503` is counted.
struct HotStreamBenchmark: Sendable {
    /// The figures.
    struct Figures: Sendable {
        var devices: Int
        /// Edits applied in each phase.
        var mutations: Int
        var sequentialSeconds: Double
        var concurrentSeconds: Double
        /// Latencies of the concurrent pushes, in milliseconds, ascending.
        var latencies: [Double]
        /// `503` answers in the concurrent phase.
        var unavailable: Int
    }

    let devices: Int
    let edits: Int
    let rounds: Int

    /// Runs both phases, the sequential one first.
    func run(api: BenchAPI, store: EventStore) async throws -> Figures {
        let owner = try await api.signUp("hot")
        var sessions = [owner]
        for _ in 1..<devices { sessions.append(try await api.signIn("hot")) }

        printError("bench sync: hot stream, sequential: \(devices) devices × \(edits) edits of one todo, \(rounds) rounds, one push at a time…")
        let quiet = try await create(api: api, owner: owner)
        let sequentialStart = ContinuousClock.now
        for round in 0..<rounds {
            for (index, session) in sessions.enumerated() {
                _ = try await push(api: api, session: session, todo: quiet, round: round, device: index)
            }
        }
        let sequential = (ContinuousClock.now - sequentialStart).seconds
        try await verify(store: store, todo: quiet)

        printError("bench sync: hot stream, concurrent: the same pushes, \(devices) at a time…")
        let busy = try await create(api: api, owner: owner)
        var latencies: [Double] = []
        var unavailable = 0
        let concurrentStart = ContinuousClock.now
        for round in 0..<rounds {
            let answered = try await withThrowingTaskGroup(of: (milliseconds: Double, unavailable: Int).self) { group in
                for (index, session) in sessions.enumerated() {
                    group.addTask {
                        try await push(api: api, session: session, todo: busy, round: round, device: index)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            latencies += answered.map(\.milliseconds)
            unavailable += answered.map(\.unavailable).reduce(0, +)
        }
        let concurrent = (ContinuousClock.now - concurrentStart).seconds
        try await verify(store: store, todo: busy)
        return Figures(
            devices: devices, mutations: devices * edits * rounds, sequentialSeconds: sequential, concurrentSeconds: concurrent,
            latencies: latencies.sorted(), unavailable: unavailable)
    }

    /// Creates a todo of `owner` and returns its id.
    private func create(api: BenchAPI, owner: BenchSession) async throws -> String {
        let todo = UUID().uuidString.lowercased()
        let response = try await api.push(owner, [("todo.create", .object(["todo_id": .string(todo), "title": .string("hot")]))])
        guard response.results.allSatisfy({ $0.status == .applied }) else {
            throw CLIFailure(.benchmarkFailed, "the hot todo was not created: \(response.results)")
        }
        return todo
    }

    /// Pushes one device's edits of one round until answered; returns the milliseconds it took and
    /// the `503` answers it got on the way.
    private func push(
        api: BenchAPI, session: BenchSession, todo: String, round: Int, device: Int
    ) async throws -> (milliseconds: Double, unavailable: Int) {
        let numbers = session.sequenceNumbers(edits)
        let request = SyncPushRequest(
            mutations: numbers.enumerated().map { index, seq in
                Mutation(
                    id: UUID().uuidString, seq: seq, name: "todo.edit",
                    args: .object(["todo_id": .string(todo), "title": .string("device \(device) round \(round) edit \(index)")]))
            })
        let body = try JSONEncoder().encode(request)
        let start = ContinuousClock.now
        for attempt in 1...50 {
            let (status, buffer) = try await api.send(.POST, "/v1/sync/push", body: body, token: session.token)
            if status == 200 {
                let response = try JSONDecoder().decode(SyncPushResponse.self, from: Data(buffer.readableBytesView))
                guard response.results.count == edits, response.results.allSatisfy({ $0.status == .applied }) else {
                    throw CLIFailure(.benchmarkFailed, "a hot-stream edit was not applied: \(response.results.filter { $0.status != .applied })")
                }
                return ((ContinuousClock.now - start).seconds * 1000, attempt - 1)
            }
            guard status == 503 else { throw CLIFailure(.benchmarkFailed, "a hot-stream push answered \(status): \(String(buffer: buffer))") }
            try await Task.sleep(for: .milliseconds(Int.random(in: 10...(50 * min(attempt, 10)))))
        }
        throw CLIFailure(.benchmarkFailed, "a hot-stream push was not answered after 50 attempts")
    }

    /// Checks that the todo's stream holds its creation and every edit, once each, in order.
    private func verify(store: EventStore, todo: String) async throws {
        let events = try await store.readAll(stream: try StreamName("todo-\(todo)"))
        let expected = 1 + devices * edits * rounds
        guard events.count == expected, events.map(\.streamVersion) == Array(1...Int64(expected)),
            Set(events.compactMap(\.metadata.causationID)).count == expected
        else {
            throw CLIFailure(.benchmarkFailed, "the hot todo's stream holds \(events.count) events; expected \(expected), each edit once")
        }
    }
}
