import EventStore

/// What happened to one batch the runner tried to apply.
enum BatchOutcome: Sendable {
    /// Applied and checkpointed; the checkpoint now stands at this event.
    case applied(RecordedEvent)
    /// The checkpoint moved underneath the runner (a rebuild swapped, or an operator reset or
    /// skipped), or the projection is not running: nothing was applied.
    case checkpointMoved
    /// The projection threw; nothing was applied.
    case failed(any Error)
}
