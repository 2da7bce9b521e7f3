import Foundation
import Testing

@testable import Domain

/// Fixed ids and principals shared by the tests.
enum Fixture {
    static let tenant = TenantID(rawValue: UUID(uuid: (1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)))
    static let otherTenant = TenantID(rawValue: UUID(uuid: (1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2)))
    static let alice = UserID(rawValue: UUID(uuid: (2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)))
    static let bob = UserID(rawValue: UUID(uuid: (2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2)))
    static let carol = UserID(rawValue: UUID(uuid: (2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3)))
    static let boss = UserID(rawValue: UUID(uuid: (2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9)))
    static let stranger = UserID(rawValue: UUID(uuid: (2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7)))

    /// Alice, an ordinary member.
    static let aliceP = Principal.user(alice, tenantID: tenant)
    /// Bob, another member.
    static let bobP = Principal.user(bob, tenantID: tenant)
    /// An administrator of the tenant.
    static let adminP = Principal.user(boss, tenantID: tenant, roles: [.member, .admin])
    /// An administrator of another tenant.
    static let foreignAdminP = Principal.user(stranger, tenantID: otherTenant, roles: [.member, .admin])
    /// The system principal of the tenant.
    static let systemP = Principal.system(tenantID: tenant)
    /// The system principal of another tenant.
    static let foreignSystemP = Principal.system(tenantID: otherTenant)

    /// 2025-01-31T09:30:00.250Z
    static let t0 = Date(timeIntervalSince1970: 1_738_315_800.25)
    static func at(_ seconds: Double) -> Date { Date(timeIntervalSince1970: t0.timeIntervalSince1970 + seconds) }

    static let hash1 = "$2b$12$" + String(repeating: "a", count: 53)
    static let hash2 = "$2y$10$" + String(repeating: "B", count: 52) + "."
}

/// Wraps decide with checks every emitted event must pass: its wire name is declared with its
/// schema version, its payload names the tenant, and it survives encodedData/decode unchanged.
func run<A: Aggregate>(
    _ aggregate: A.Type, _ state: A.State, _ command: A.Command, as principal: Principal, at time: Date = Fixture.t0
) throws -> [A.Event] {
    let events = try A.decide(command, state: state, context: CommandContext(principal: principal, now: time))
    for event in events {
        try checkWireForm(event)
    }
    return events
}

/// Checks an event's wire name, version, tenant field and round trip.
func checkWireForm<E: DomainEvent>(_ event: E) throws {
    #expect(E.eventTypes[event.eventType] == event.schemaVersion, "\(event.eventType) not declared")
    #expect(event.eventType.first?.isUppercase == true)
    let data = try event.encodedData()
    let decoded = try E.decode(eventType: event.eventType, schemaVersion: event.schemaVersion, data: data)
    #expect(decoded == event, "round trip changed \(event.eventType)")
    #expect(try decoded.encodedData() == data, "encoding of \(event.eventType) is not deterministic")
    let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
    #expect(object?["tenantID"] is String, "\(event.eventType) has no tenantID")
}

/// Runs a series of commands, each as the given principal, and returns the state after them.
func given<A: Aggregate>(_ aggregate: A.Type, _ steps: [(A.Command, Principal)]) throws -> A.State {
    var state = A.initialState
    for (index, (command, principal)) in steps.enumerated() {
        let events = try run(A.self, state, command, as: principal, at: Fixture.at(Double(index)))
        state = A.fold(events, from: state)
    }
    return state
}

/// Expects `command` to be refused with `code`; returns the refusal for further checks.
@discardableResult
func expectRefusal<A: Aggregate>(
    _ aggregate: A.Type, _ state: A.State, _ command: A.Command, as principal: Principal,
    _ code: DomainError.Code, sourceLocation: SourceLocation = #_sourceLocation
) -> DomainError? {
    do {
        let events = try A.decide(command, state: state, context: CommandContext(principal: principal, now: Fixture.t0))
        Issue.record("expected refusal \(code.rawValue), got \(events.count) events", sourceLocation: sourceLocation)
        return nil
    } catch {
        #expect(error.code == code, "\(error.message)", sourceLocation: sourceLocation)
        #expect(!error.message.isEmpty, sourceLocation: sourceLocation)
        return error
    }
}

/// The wire names of events.
func names<E: DomainEvent>(_ events: [E]) -> [String] {
    events.map(\.eventType)
}
