import Foundation
import Testing

@testable import EventStore

@Suite("Hand-written encoders")
struct EncodingTests {
    @Test("metadata JSON written by hand decodes back to the same metadata, whatever the characters")
    func metadataRoundTrip() throws {
        let samples = [
            EventMetadata(),
            EventMetadata(
                tenantID: "t-1", actorID: "u\"1\\", deviceID: "d\n\t\r", mutationID: "m\u{01}", correlationID: "日本", causationID: "😀",
                extra: ["b": "2", "a": "1"]),
        ]
        for metadata in samples {
            let json = metadata.jsonString
            #expect(JSONObjectValidator.isValidObject(Data(json.utf8)))
            let decoded = try JSONDecoder().decode(EventMetadata.self, from: Data(json.utf8))
            #expect(decoded == metadata)
        }
    }

    @Test("time-ordered ids are version 7, unique, and sort by their millisecond")
    func timeOrderedIDs() {
        let early = UUID.timeOrdered(now: Date(timeIntervalSince1970: 1_700_000_000))
        let late = UUID.timeOrdered(now: Date(timeIntervalSince1970: 1_700_000_001))
        #expect(early.uuidString.dropFirst(14).first == "7")
        #expect(early.uuidString < late.uuidString)
        #expect(Set((0..<1000).map { _ in UUID.timeOrdered() }).count == 1000)
        // The millisecond's fraction orders ids within one millisecond.
        let first = UUID.timeOrdered(now: Date(timeIntervalSince1970: 1_700_000_000.0001))
        let second = UUID.timeOrdered(now: Date(timeIntervalSince1970: 1_700_000_000.0006))
        #expect(first.orderKey < second.orderKey)
        #expect(first.uuidString < second.uuidString)
        #expect(["8", "9", "A", "B"].contains(first.uuidString.dropFirst(19).first.map(String.init)))
    }

    @Test("a repeated event id is found whether the ids ascend or not")
    func repeatedIDs() {
        let ascending = (0..<100).map { index in
            EventData(id: .timeOrdered(now: Date(timeIntervalSince1970: 1_700_000_000 + Double(index) / 1000)), type: "T", json: "{}")
        }
        #expect(zip(ascending, ascending.dropFirst()).allSatisfy { $0.id.orderKey < $1.id.orderKey })
        #expect(PreparedBatch.firstRepeatedID(in: ascending) == nil)
        #expect(PreparedBatch.firstRepeatedID(in: ascending.reversed()) == nil)
        var twice = ascending
        twice.append(ascending[40])
        #expect(PreparedBatch.firstRepeatedID(in: twice) == ascending[40].id)
        var shuffled = ascending.shuffled()
        shuffled.insert(shuffled[7], at: 60)
        #expect(PreparedBatch.firstRepeatedID(in: shuffled) == shuffled[7].id)
        let random = (0..<10).map { _ in EventData(id: UUID(), type: "T", json: "{}") }
        #expect(PreparedBatch.firstRepeatedID(in: random) == nil)
        #expect(PreparedBatch.firstRepeatedID(in: random + [random[3]]) == random[3].id)
    }
}
