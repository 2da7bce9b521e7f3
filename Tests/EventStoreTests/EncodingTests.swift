@testable import EventStore
import Foundation
import Testing

@Suite("Hand-written encoders")
struct EncodingTests {
    @Test("metadata JSON written by hand decodes back to the same metadata, whatever the characters")
    func metadataRoundTrip() throws {
        let samples = [
            EventMetadata(),
            EventMetadata(tenantID: "t-1", actorID: "u\"1\\", deviceID: "d\n\t\r", mutationID: "m\u{01}", correlationID: "日本", causationID: "😀",
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
    }
}
