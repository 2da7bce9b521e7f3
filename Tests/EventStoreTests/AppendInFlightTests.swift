import Testing

@testable import EventStore

@Suite("What append statements may be in flight")
struct AppendInFlightTests {
    /// A queued append: its stream and its events.
    struct Queued {
        var stream: StreamName
        var count: Int
    }

    static func group(_ bound: AppendInFlight, _ queue: [Queued]) -> [Int]? {
        bound.nextGroup(in: queue, stream: \.stream, count: \.count)
    }

    static func singles(_ n: Int) -> [Queued] {
        (0..<n).map { _ in Queued(stream: Fixtures.stream(), count: 1) }
    }

    @Test("up to anySize statements start whatever they carry; beyond, the n-th further one needs n × minEvents events")
    func smallStatementsWait() {
        var bound = AppendInFlight(statementLimit: 8, anySize: 2, minEvents: 8, eventLimit: 1000, eventsPerStatement: 1000)
        #expect(Self.group(bound, Self.singles(1)) == [0])
        bound.start(events: 1)
        #expect(Self.group(bound, Self.singles(1)) == [0])
        bound.start(events: 1)
        // Two in flight: seven single events of seven streams are not enough for a third statement.
        #expect(Self.group(bound, Self.singles(7)) == nil)
        #expect(!bound.admits(7))
        #expect(Self.group(bound, Self.singles(8)) == Array(0..<8))
        // With a third in flight, a fourth must carry twice as many, a fifth three times.
        bound.start(events: 8)
        #expect(bound.eventsNeeded == 16)
        #expect(Self.group(bound, Self.singles(15)) == nil)
        #expect(Self.group(bound, Self.singles(16)) == Array(0..<16))
        bound.start(events: 16)
        #expect(bound.eventsNeeded == 24)
        bound.end(events: 16)
        bound.end(events: 8)
        // Appends to one stream never share a statement, so they do not count towards minEvents.
        let stream = Fixtures.stream()
        let sameStream = Self.singles(6) + (0..<4).map { _ in Queued(stream: stream, count: 1) }
        #expect(Self.group(bound, sameStream) == nil)
        // When a statement ends, the waiting appends go out whatever they carry.
        bound.end(events: 1)
        #expect(Self.group(bound, Self.singles(3)) == [0, 1, 2])
    }

    @Test("a batch of minEvents starts alone up to statementLimit, and only while fewer than eventLimit events are in flight")
    func batchesAndEventLimit() {
        var bound = AppendInFlight(statementLimit: 4, anySize: 1, minEvents: 8, eventLimit: 250, eventsPerStatement: 1000)
        bound.start(events: 100)
        #expect(Self.group(bound, [Queued(stream: Fixtures.stream(), count: 100)]) == [0])
        bound.start(events: 100)
        #expect(bound.admits(100))
        bound.start(events: 100)
        // 300 events in flight, at least eventLimit: the next batch waits.
        #expect(Self.group(bound, [Queued(stream: Fixtures.stream(), count: 100)]) == nil)
        bound.end(events: 100)
        #expect(bound.statements == 2 && bound.events == 200)
        // 200 in flight: the next statement takes every waiting batch within eventsPerStatement.
        let waiting = (0..<12).map { _ in Queued(stream: Fixtures.stream(), count: 100) }
        #expect(Self.group(bound, waiting) == Array(0..<10))
        bound.start(events: 1000)
        bound.start(events: 100)
        // statementLimit reached: nothing starts, however large.
        #expect(Self.group(bound, waiting) == nil)
    }

    @Test("the first statement beyond anySize starts whatever is in flight, if it carries minEvents; the next waits for the event limit")
    func secondStatementIgnoresEventLimit() {
        var bound = AppendInFlight(statementLimit: 8, anySize: 1, minEvents: 4, eventLimit: 1000, eventsPerStatement: 1000)
        bound.start(events: 1000)
        // One statement of 1,000 events in flight: a second may run while it commits…
        #expect(!bound.admits(3))
        #expect(bound.admits(4))
        let batches = (0..<12).map { _ in Queued(stream: Fixtures.stream(), count: 100) }
        #expect(Self.group(bound, batches) == Array(0..<10))
        bound.start(events: 1000)
        // …but not a third while 2,000 are in flight, however large.
        #expect(!bound.admits(1000))
        #expect(Self.group(bound, batches) == nil)
        bound.end(events: 1000)
        bound.end(events: 1000)
        #expect(bound.statements == 0 && bound.events == 0)
    }

    @Test("with nothing in flight, even an append larger than every limit starts")
    func nothingInFlight() {
        let bound = AppendInFlight(statementLimit: 1, anySize: 1, minEvents: 8, eventLimit: 10, eventsPerStatement: 10)
        #expect(Self.group(bound, [Queued(stream: Fixtures.stream(), count: 5000)]) == [0])
        #expect(bound.admits(5000))
    }
}
