/// One change a device made, sent in a ``SyncPushRequest``.
///
/// `id` is chosen by the client (a UUID) and identifies the mutation forever: sending it again
/// gets the answer of the first time. `seq` numbers the device's mutations from 1 upwards, strictly
/// increasing (gaps are allowed); the server applies them in that order. `name` is one of ``MutationName`` and `args` its arguments.
public struct Mutation: Sendable, Hashable, Codable {
    /// The client-generated id (a UUID string).
    public var id: String
    /// The device's sequence number, starting at 1, strictly increasing.
    public var seq: Int64
    /// What to do, for example `todo.create`.
    public var name: String
    /// The arguments, a JSON object.
    public var args: JSONValue

    /// Creates a mutation.
    public init(id: String, seq: Int64, name: String, args: JSONValue) {
        self.id = id
        self.seq = seq
        self.name = name
        self.args = args
    }
}
