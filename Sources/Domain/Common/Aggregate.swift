import Foundation

/// A consistency boundary: commands are decided against its state and become events.
///
/// Conforming types are namespaces (caseless enums). `decide` and `evolve` are pure
/// functions: no clocks, no I/O; time and the acting principal come in the ``CommandContext``.
public protocol Aggregate {
    /// The identifier type of one instance of this aggregate.
    associatedtype ID: Hashable & Sendable & CustomStringConvertible
    /// The state folded from the events of one stream.
    associatedtype State: Sendable & Equatable
    /// The commands this aggregate understands.
    associatedtype Command: Sendable
    /// The events this aggregate records.
    associatedtype Event: DomainEvent
    /// Stream category, lowercase letters only, e.g. "todo". Streams are named "<category>-<id>".
    static var category: String { get }
    /// The stream name of one instance; defaults to `"\(category)-\(id)"`.
    static func streamName(for id: ID) -> String
    /// State before the first event.
    static var initialState: State { get }
    /// Checks `command` against `state` and the caller's rights; returns the events it causes
    /// (possibly none when the command's effect already holds) or throws a refusal.
    static func decide(_ command: Command, state: State, context: CommandContext) throws(DomainError) -> [Event]
    /// Applies one event to a state. Never fails: events are facts.
    static func evolve(_ state: State, _ event: Event) -> State
}

extension Aggregate {
    /// The default stream name: `"<category>-<id>"`.
    public static func streamName(for id: ID) -> String {
        "\(category)-\(id)"
    }

    /// Folds `events` over ``initialState``.
    public static func fold(_ events: [Event]) -> State {
        fold(events, from: initialState)
    }

    /// Folds `events` over a given starting state.
    public static func fold(_ events: [Event], from state: State) -> State {
        events.reduce(state, evolve)
    }
}
