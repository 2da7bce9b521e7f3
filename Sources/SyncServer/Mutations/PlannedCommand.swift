import Commands
import Domain
import EventStore
import Foundation

/// A mutation turned into a command of the domain, not yet run.
///
/// ``MutationPlanner`` builds one from a mutation's name and arguments. It runs on its own
/// through the command service (``run(on:envelope:)``), or, when it touches one aggregate and
/// reads nothing else, as one ``Step`` of a pushed batch that ``SyncPushService`` decides in memory
/// and commits in a single transaction.
public struct PlannedCommand: Sendable {
    /// One command against one aggregate, decided in memory against a state the caller loaded.
    struct Step: Sendable {
        /// The aggregate's stream.
        let stream: StreamName
        /// Folds the stream's recorded events into the aggregate's state, starting from `initial`
        /// (a cached state of the aggregate; `nil`: its initial state).
        let fold: @Sendable (_ service: CommandService, _ initial: (any Sendable)?, _ recorded: [RecordedEvent]) throws(CommandError) -> any Sendable
        /// Decides the command against `state`: the state after its events, and the events encoded for `envelope`.
        let decide:
            @Sendable (
                _ service: CommandService, _ state: any Sendable, _ context: CommandContext, _ envelope: CommandEnvelope
            ) throws(CommandError) -> (state: any Sendable, events: [EventData])
    }

    private let body: @Sendable (CommandService, CommandEnvelope) async throws(CommandError) -> CommandOutcome
    /// The command as a batch step; `nil` when it must run on its own (it reads other aggregates first).
    let step: Step?

    /// Runs the command in a transaction of its own.
    public func run(on service: CommandService, envelope: CommandEnvelope) async throws(CommandError) -> CommandOutcome {
        try await body(service, envelope)
    }

    /// A command against aggregate `id` of type `A`.
    static func command<A: Aggregate & SendableMetatype>(_ aggregate: A.Type, id: A.ID, command: A.Command) -> PlannedCommand {
        let step = (try? StreamName(A.streamName(for: id))).map { stream in
            Step(
                stream: stream,
                fold: { service, initial, recorded throws(CommandError) in
                    guard let initial else { return try service.fold(A.self, recorded, stream: stream) }
                    guard let state = initial as? A.State else {
                        throw CommandError(.unavailable, "stream '\(stream)' was cached as another aggregate")
                    }
                    return try service.fold(A.self, recorded, stream: stream, from: state)
                },
                decide: { service, state, context, envelope throws(CommandError) in
                    guard let current = state as? A.State else {
                        throw CommandError(.unavailable, "stream '\(stream)' was loaded as another aggregate")
                    }
                    let events: [A.Event]
                    do throws(DomainError) {
                        events = try A.decide(command, state: current, context: context)
                    } catch {
                        throw CommandError(error)
                    }
                    return (events.reduce(current, A.evolve), try service.encode(events, envelope: envelope))
                }
            )
        }
        return PlannedCommand(
            body: { service, envelope throws(CommandError) in
                try await service.execute(A.self, id: id, command: command, envelope: envelope)
            },
            step: step
        )
    }

    /// A command that runs only through the command service (`body`), never as a batch step.
    static func standalone(_ body: @escaping @Sendable (CommandService, CommandEnvelope) async throws(CommandError) -> CommandOutcome) -> PlannedCommand {
        PlannedCommand(body: body, step: nil)
    }
}
