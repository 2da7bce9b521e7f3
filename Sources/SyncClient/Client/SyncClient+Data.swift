import SyncProtocol

extension SyncClient {
    /// Makes a local change: checks its arguments, queues it with the next sequence number and a
    /// new UUID, and applies its effect to the visible rows, in one transaction. Works offline; the
    /// next ``sync()`` sends it.
    /// - Parameters:
    ///   - name: The mutation.
    ///   - args: Its arguments, a JSON object (see ``MutationName``).
    /// - Returns: The queued mutation.
    /// - Throws: ``SyncClientError`` `invalid_mutation` when a required member is missing or an
    ///   id is not a UUID (nothing is written), or `database`.
    @discardableResult
    public nonisolated func mutate(_ name: MutationName, args: JSONValue) async throws -> QueuedMutation {
        try await replica.enqueue(name, args: args)
    }

    /// Makes a local change named by its wire name, for example `"todo.create"`.
    /// - Throws: ``SyncClientError`` `unknown_mutation` for a name that is not a ``MutationName``
    ///   (nothing is written), and everything ``mutate(_:args:)`` throws.
    @discardableResult
    public nonisolated func mutate(named name: String, args: JSONValue) async throws -> QueuedMutation {
        guard let known = MutationName(rawValue: name) else {
            throw SyncClientError(.unknownMutation, "no mutation is named \(name)")
        }
        return try await mutate(known, args: args)
    }

    /// The visible rows of an entity (server state with pending changes applied), in key order.
    public nonisolated func rows(_ entity: SyncEntity) async throws -> [JSONValue] {
        try await replica.rows(entity)
    }

    /// One visible row, or `nil`.
    /// - Parameters:
    ///   - entity: The kind of row.
    ///   - key: Its key (the id; `todo_id:reminder_id` for reminders).
    public nonisolated func row(_ entity: SyncEntity, key: String) async throws -> JSONValue? {
        try await replica.row(RowRef(entity, key))
    }

    /// The visible rows of an entity now, and again after every change to them (local writes and
    /// pulled changes), skipping values equal to the last one. It is GRDB's `ValueObservation`:
    /// the sequence throws when the replica cannot be read (``SyncClientError`` `database` for a row
    /// that does not decode), and ends when the consumer stops iterating.
    public nonisolated func observe(_ entity: SyncEntity) -> some AsyncSequence<[JSONValue], any Error> {
        replica.observe(entity)
    }

    /// Every queued mutation (pending and applied but not yet pulled back), in sequence order.
    public nonisolated func queuedMutations() async throws -> [QueuedMutation] {
        try await replica.queued()
    }

    /// The mutations the server rejected (already rolled back), oldest first.
    public nonisolated func rejections() async throws -> [Rejection] {
        try await replica.rejections()
    }

    /// Forgets a rejection.
    /// - Throws: ``SyncClientError`` `not_found` when no rejection has this id.
    public nonisolated func dismissRejection(id: String) async throws {
        try await replica.dismissRejection(id: id)
    }

    /// Queues a rejected mutation again (new id and sequence number) and forgets the rejection.
    /// - Returns: The new queued mutation.
    /// - Throws: ``SyncClientError`` `not_found` when no rejection has this id.
    @discardableResult
    public nonisolated func retryRejection(id: String) async throws -> QueuedMutation {
        try await replica.retryRejection(id: id)
    }
}
