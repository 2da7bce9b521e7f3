import Foundation
import Testing
import TidemarkTestSupport

@testable import Domain

@Suite("Wire format")
struct WireFormatTests {
    @Test("dates are written as ISO-8601 UTC with three fractional digits")
    func dateFormat() {
        #expect(WireDate.string(from: Fixture.t0) == "2025-01-31T09:30:00.250Z")
        #expect(WireDate.string(from: Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(WireDate.string(from: Date(timeIntervalSince1970: -0.001)) == "1969-12-31T23:59:59.999Z")
        #expect(WireDate.string(from: Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00.000Z")
        #expect(WireDate.string(from: WireDate.earliest) == "0001-01-01T00:00:00.000Z")
        #expect(WireDate.string(from: WireDate.latest) == "9999-12-31T23:59:59.999Z")
    }

    @Test("parsing accepts 0-9 fractional digits and rejects malformed or non-UTC text")
    func dateParsing() {
        #expect(WireDate.date(from: "2025-01-31T09:30:00.250Z") == Fixture.t0)
        #expect(WireDate.date(from: "2025-01-31T09:30:00.25Z") == Fixture.t0)
        #expect(WireDate.date(from: "2025-01-31T09:30:00.250999Z") == Fixture.t0)
        #expect(WireDate.date(from: "2025-01-31T09:30:00Z") == Date(timeIntervalSince1970: 1_738_315_800))
        for bad in [
            "2025-01-31T09:30:00", "2025-01-31 09:30:00Z", "2025-02-30T00:00:00Z", "2025-13-01T00:00:00Z",
            "2025-01-31T24:00:00Z", "2025-01-31T09:30:00.Z", "2025-01-31T09:30:00+01:00", "garbage",
        ] {
            #expect(WireDate.date(from: bad) == nil, "\(bad)")
        }
    }

    @Test("normalised dates round-trip exactly through text", arguments: [0, 1, 42, 7, 123_456_789])
    func dateRoundTrip(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        for _ in 0..<2000 {
            let seconds = Double(random.next(in: -62_000_000_000...253_000_000_000)) + Double(random.next(in: 0...999_999)) / 1_000_000
            let date = WireDate.normalized(Date(timeIntervalSince1970: seconds))
            #expect(WireDate.date(from: WireDate.string(from: date)) == date)
        }
    }

    @Test("identifiers encode as lowercase UUID strings and parse any case")
    func identifiers() throws {
        let id = try #require(TodoID("E621E1F8-C36C-495A-93FC-0C247A3E6E5F"))
        #expect(id.description == "e621e1f8-c36c-495a-93fc-0c247a3e6e5f")
        #expect(String(data: try EventCoding.encode([id]), encoding: .utf8) == "[\"e621e1f8-c36c-495a-93fc-0c247a3e6e5f\"]")
        #expect(try EventCoding.decode([TodoID].self, from: Data("[\"e621e1f8-c36c-495a-93fc-0c247a3e6e5f\"]".utf8)) == [id])
        #expect(TodoID("not-a-uuid") == nil)
        #expect(throws: DecodingError.self) { try EventCoding.decode([UserID].self, from: Data("[\"nope\"]".utf8)) }
        #expect(UserID() != UserID())
    }

    @Test("payload JSON has sorted keys, omits absent optionals and uses the wire date format")
    func payloadShape() throws {
        let event = TodoEvent.dueDateChanged(.init(tenantID: Fixture.tenant, todoID: TodoID(rawValue: Fixture.tenant.rawValue), dueDate: nil, at: Fixture.t0))
        let json = try #require(String(data: try event.encodedData(), encoding: .utf8))
        #expect(
            json
                == "{\"at\":\"2025-01-31T09:30:00.250Z\",\"tenantID\":\"01000000-0000-0000-0000-000000000001\",\"todoID\":\"01000000-0000-0000-0000-000000000001\"}"
        )
        #expect(try event.tenantIDFromPayload() == Fixture.tenant)
    }

    @Test("unknown wire names and schema versions are rejected")
    func decodingErrors() throws {
        let data = try TenantEvent.deactivated(.init(tenantID: Fixture.tenant, at: Fixture.t0)).encodedData()
        #expect(throws: EventDecodingError.unknownEventType("TenantExploded")) {
            try TenantEvent.decode(eventType: "TenantExploded", schemaVersion: 1, data: data)
        }
        #expect(throws: EventDecodingError.unsupportedSchemaVersion(eventType: "TenantDeactivated", schemaVersion: 2)) {
            try TenantEvent.decode(eventType: "TenantDeactivated", schemaVersion: 2, data: data)
        }
        #expect(throws: EventDecodingError.unknownEventType("OrderDeactivated")) {
            try OrderEvent.decode(eventType: "OrderDeactivated", schemaVersion: 1, data: data)
        }
    }

    @Test("wire names are unique across aggregates, start with the aggregate name, and every older version has an upcaster per step")
    func wireNames() {
        let all: [(String, [String: Int], [EventUpcaster])] = [
            ("Tenant", TenantEvent.eventTypes, TenantEvent.upcasters), ("User", UserEvent.eventTypes, UserEvent.upcasters),
            ("Todo", TodoEvent.eventTypes, TodoEvent.upcasters),
            ("Notification", NotificationEvent.eventTypes, NotificationEvent.upcasters),
            ("Announcement", AnnouncementEvent.eventTypes, AnnouncementEvent.upcasters),
            ("Order", OrderEvent.eventTypes, OrderEvent.upcasters), ("Device", DeviceEvent.eventTypes, DeviceEvent.upcasters),
        ]
        var seen = Set<String>()
        for (prefix, types, upcasters) in all {
            for (name, version) in types {
                #expect(name.hasPrefix(prefix), "\(name)")
                #expect(version >= 1)
                let steps = upcasters.filter { $0.eventType == name }.map(\.fromVersion).sorted()
                #expect(steps == Array(1..<version), "\(name) v\(version) has upcasters from \(steps)")
                #expect(seen.insert(name).inserted, "\(name) declared twice")
            }
            #expect(upcasters.allSatisfy { types[$0.eventType] != nil }, "\(prefix) has an upcaster of another aggregate's event")
        }
        #expect(seen.count == 3 + 10 + 15 + 3 + 6 + 10 + 4)
    }

    @Test("refusal codes have stable wire names")
    func codes() {
        let codes: [DomainError.Code] = [.forbidden, .notFound, .conflict, .invalid, .deleted, .illegalTransition, .alreadyExists]
        #expect(codes.map(\.rawValue) == ["forbidden", "not_found", "conflict", "invalid", "deleted", "illegal_transition", "already_exists"])
        #expect(Role.allCases.map(\.rawValue) == ["member", "admin"])
    }
}
