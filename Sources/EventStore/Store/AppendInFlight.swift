/// What one store's single-stream append statements have in flight, and the rule for starting another.
///
/// Every statement costs a round trip, an executor start-up and a commit whatever it carries, and
/// a statement of several appends (``CoalescedAppendStatement``) costs more than the plain one for
/// one append, so a group of two saves little and makes its writers wait. The rule, in the manner
/// of Nagle's rule for small packets: up to ``anySize`` statements may be in flight whatever they
/// carry. Beyond that, up to ``statementLimit``, the n-th further statement starts only when it
/// carries at least n × ``minEvents`` events and fewer than ``eventLimit`` events are in flight;
/// smaller appends wait and gather until they are enough or a statement ends. So single events
/// from 8 writers go out as about three statements, from 32 writers as about five larger ones; a
/// batch of 100 never waits for company, and many writers of batches are held to a few large
/// statements.
struct AppendInFlight: Sendable, Equatable {
    /// The most statements in flight at once.
    let statementLimit: Int
    /// How many statements may be in flight whatever they carry.
    let anySize: Int
    /// The fewest events of the first statement beyond ``anySize``; the n-th needs n times as many.
    let minEvents: Int
    /// While ``anySize`` or more statements are in flight, another starts only while fewer events than this are in flight.
    let eventLimit: Int
    /// The most events one statement carries (a single larger append still runs on its own).
    let eventsPerStatement: Int
    /// Statements in flight now.
    private(set) var statements = 0
    /// Events in flight now.
    private(set) var events = 0

    init(statementLimit: Int, anySize: Int, minEvents: Int, eventLimit: Int, eventsPerStatement: Int) {
        self.statementLimit = max(1, statementLimit)
        self.anySize = min(max(1, anySize), self.statementLimit)
        self.minEvents = max(1, minEvents)
        self.eventLimit = max(1, eventLimit)
        self.eventsPerStatement = max(1, eventsPerStatement)
    }

    /// The fewest events a statement that started now would have to carry.
    var eventsNeeded: Int {
        statements < anySize ? 1 : (statements - anySize + 1) * minEvents
    }

    /// Whether a statement of `count` events may start now.
    ///
    /// The first statement beyond ``anySize`` is not held back by ``eventLimit`` (it still needs
    /// ``minEvents``): with one statement of 1,000 events in flight, a second must be able to run
    /// while the first commits, or the server works on one core.
    func admits(_ count: Int) -> Bool {
        statements < anySize
            || (statements < statementLimit && count >= eventsNeeded && (events < eventLimit || statements == anySize))
    }

    /// The next statement's appends, as indices into `queue` (in arrival order), or `nil` when
    /// they may not start yet.
    ///
    /// The oldest append always goes first; then, in arrival order, every append of another
    /// stream that still fits within ``eventsPerStatement``.
    func nextGroup<Item>(in queue: [Item], stream: (Item) -> StreamName, count: (Item) -> Int) -> [Int]? {
        guard let first = queue.first, statements < statementLimit else { return nil }
        var group = [0]
        var streams: Set<StreamName> = [stream(first)]
        var taken = count(first)
        for index in queue.indices.dropFirst() {
            let item = queue[index]
            let size = count(item)
            guard taken + size <= eventsPerStatement, !streams.contains(stream(item)) else { continue }
            group.append(index)
            streams.insert(stream(item))
            taken += size
        }
        return admits(taken) ? group : nil
    }

    /// Counts a statement of `count` events as started.
    mutating func start(events count: Int) {
        statements += 1
        events += count
    }

    /// Counts a statement of `count` events as ended (answered or abandoned).
    mutating func end(events count: Int) {
        statements -= 1
        events -= count
    }
}
