import Foundation
import Testing

@testable import Domain

@Suite("Tenant")
struct TenantTests {
    let id = Fixture.tenant
    var created: TenantState? {
        get throws { try given(Tenant.self, [(.create(id, name: "Acme", code: "acme"), .system(tenantID: nil))]) }
    }

    @Test("the system creates a tenant with a trimmed name and a lowercased code")
    func create() throws {
        let events = try run(Tenant.self, nil, .create(id, name: "  Acme Corp ", code: "Acme-1"), as: .system(tenantID: nil))
        #expect(events == [.created(.init(tenantID: id, name: "Acme Corp", code: "acme-1", at: Fixture.t0))])
        let state = try #require(Tenant.fold(events))
        #expect(state.isActive && state.code == "acme-1")
    }

    @Test("a system principal naming the new tenant may create it")
    func createBySystemOfTenant() throws {
        #expect(try run(Tenant.self, nil, .create(id, name: "Acme", code: "acme"), as: Fixture.systemP).count == 1)
    }

    @Test("anonymous principals, users and the system of another tenant cannot create tenants")
    func createForbidden() {
        for principal in [Principal.anonymous, Fixture.adminP, Fixture.foreignSystemP] {
            expectRefusal(Tenant.self, nil, .create(id, name: "Acme", code: "acme"), as: principal, .forbidden)
        }
    }

    @Test("creating a tenant twice is refused")
    func createTwice() throws {
        expectRefusal(Tenant.self, try created, .create(id, name: "Acme", code: "acme"), as: .system(tenantID: nil), .alreadyExists)
    }

    @Test(
        "tenant names must be 1-100 characters and codes 2-32 of a-z, 0-9 and dash",
        arguments: [
            ("", "acme"), (String(repeating: "x", count: 101), "acme"), ("Acme", "a"), ("Acme", "ac me"),
            ("Acme", "acme_1"), ("Acme", String(repeating: "a", count: 33)), ("Acme", "äcme"),
        ])
    func createInvalid(name: String, code: String) {
        expectRefusal(Tenant.self, nil, .create(id, name: name, code: code), as: .system(tenantID: nil), .invalid)
    }

    @Test("an administrator renames the tenant; the same name records nothing")
    func rename() throws {
        let state = try created
        let events = try run(Tenant.self, state, .rename(id, name: "Acme 2"), as: Fixture.adminP)
        #expect(events == [.renamed(.init(tenantID: id, name: "Acme 2", at: Fixture.t0))])
        #expect(try run(Tenant.self, state, .rename(id, name: " Acme "), as: Fixture.adminP).isEmpty)
    }

    @Test("members, foreign administrators and anonymous principals cannot rename")
    func renameForbidden() throws {
        let state = try created
        for principal in [Fixture.aliceP, Fixture.foreignAdminP, .anonymous] {
            expectRefusal(Tenant.self, state, .rename(id, name: "X"), as: principal, .forbidden)
        }
        expectRefusal(Tenant.self, state, .rename(id, name: " "), as: Fixture.adminP, .invalid)
    }

    @Test("renaming or deactivating an unknown tenant is refused with not_found")
    func notFound() {
        expectRefusal(Tenant.self, nil, .rename(id, name: "X"), as: Fixture.systemP, .notFound)
        expectRefusal(Tenant.self, nil, .deactivate(id), as: Fixture.systemP, .notFound)
    }

    @Test("only the system deactivates a tenant, once; a deactivated tenant cannot be renamed")
    func deactivate() throws {
        let state = try created
        expectRefusal(Tenant.self, state, .deactivate(id), as: Fixture.adminP, .forbidden)
        expectRefusal(Tenant.self, state, .deactivate(id), as: Fixture.foreignSystemP, .forbidden)
        let events = try run(Tenant.self, state, .deactivate(id), as: Fixture.systemP)
        #expect(events == [.deactivated(.init(tenantID: id, at: Fixture.t0))])
        let after = Tenant.fold(events, from: state)
        #expect(after?.isActive == false)
        #expect(try run(Tenant.self, after, .deactivate(id), as: Fixture.systemP).isEmpty)
        expectRefusal(Tenant.self, after, .rename(id, name: "New"), as: Fixture.adminP, .conflict)
    }

    @Test("streams are named <category>-<lowercase uuid>")
    func streamName() {
        #expect(Tenant.streamName(for: id) == "tenant-01000000-0000-0000-0000-000000000001")
        #expect(Order.streamName(for: OrderID(rawValue: id.rawValue)).hasPrefix("order-01000000"))
    }
}
