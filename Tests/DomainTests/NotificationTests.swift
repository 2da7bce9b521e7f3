import Foundation
import Testing

@testable import Domain

@Suite("Notification")
struct NotificationTests {
    let id = NotificationID(rawValue: UUID(uuid: (6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)))
    let tenant = Fixture.tenant

    func send(_ recipients: [Recipient], title: String = "Hello", content: String = "Welcome", type: String = "welcome") -> NotificationCommand {
        .send(id, tenantID: tenant, recipients: recipients, type: type, title: title, content: content)
    }
    var both: [Recipient] {
        [
            Recipient(userID: Fixture.bob, tenantID: tenant, isActive: true), Recipient(userID: Fixture.alice, tenantID: tenant, isActive: true),
            Recipient(userID: Fixture.bob, tenantID: tenant, isActive: true),
        ]
    }
    var sent: NotificationState? {
        get throws { try given(NotificationAggregate.self, [(send(both), Fixture.adminP)]) }
    }

    @Test("an administrator sends to deduplicated receivers of the tenant")
    func sendNotification() throws {
        let events = try run(NotificationAggregate.self, nil, send(both), as: Fixture.adminP)
        #expect(
            events == [
                .sent(
                    .init(
                        tenantID: tenant, notificationID: id, senderID: Fixture.boss, receiverIDs: [Fixture.alice, Fixture.bob],
                        type: "welcome", title: "Hello", content: "Welcome", at: Fixture.t0))
            ])
        #expect(NotificationAggregate.fold(events)?.receiverIDs == [Fixture.alice, Fixture.bob])
        #expect(try run(NotificationAggregate.self, nil, send(both), as: Fixture.systemP).count == 1)
    }

    @Test("members, other tenants and anonymous principals cannot send; nor can anyone send twice")
    func sendForbidden() throws {
        for principal in [Fixture.aliceP, Fixture.foreignAdminP, Fixture.foreignSystemP, .anonymous] {
            expectRefusal(NotificationAggregate.self, nil, send(both), as: principal, .forbidden)
        }
        expectRefusal(NotificationAggregate.self, try sent, send(both), as: Fixture.adminP, .alreadyExists)
    }

    @Test("receivers of another tenant are forbidden and inactive receivers invalid")
    func receivers() {
        expectRefusal(
            NotificationAggregate.self, nil, send([Recipient(userID: Fixture.stranger, tenantID: Fixture.otherTenant, isActive: true)]), as: Fixture.adminP,
            .forbidden)
        expectRefusal(NotificationAggregate.self, nil, send([Recipient(userID: Fixture.bob, tenantID: tenant, isActive: false)]), as: Fixture.adminP, .invalid)
        expectRefusal(NotificationAggregate.self, nil, send([]), as: Fixture.adminP, .invalid)
        let many = (0..<1001).map { _ in Recipient(userID: UserID(), tenantID: tenant, isActive: true) }
        expectRefusal(NotificationAggregate.self, nil, send(many), as: Fixture.adminP, .invalid)
        #expect((try? run(NotificationAggregate.self, nil, send(Array(many.prefix(1000))), as: Fixture.adminP))?.count == 1)
    }

    @Test("titles, contents and types are validated")
    func sendInvalid() {
        expectRefusal(NotificationAggregate.self, nil, send(both, title: " "), as: Fixture.adminP, .invalid)
        expectRefusal(NotificationAggregate.self, nil, send(both, title: String(repeating: "t", count: 201)), as: Fixture.adminP, .invalid)
        expectRefusal(NotificationAggregate.self, nil, send(both, content: String(repeating: "c", count: 10_001)), as: Fixture.adminP, .invalid)
        expectRefusal(NotificationAggregate.self, nil, send(both, type: "no spaces please"), as: Fixture.adminP, .invalid)
    }

    @Test("a receiver marks it read once; a second mark read records nothing")
    func markRead() throws {
        let state = try sent
        let events = try run(NotificationAggregate.self, state, .markRead(id), as: Fixture.aliceP)
        #expect(events == [.read(.init(tenantID: tenant, notificationID: id, receiverID: Fixture.alice, at: Fixture.t0))])
        let read = NotificationAggregate.fold(events, from: state)
        #expect(read?.readBy == [Fixture.alice])
        #expect(try run(NotificationAggregate.self, read, .markRead(id), as: Fixture.aliceP).isEmpty)
    }

    @Test("only receivers of the tenant mark read")
    func markReadForbidden() throws {
        let state = try sent
        expectRefusal(NotificationAggregate.self, state, .markRead(id), as: Principal.user(Fixture.carol, tenantID: tenant), .forbidden)
        expectRefusal(NotificationAggregate.self, state, .markRead(id), as: Principal.user(Fixture.alice, tenantID: Fixture.otherTenant), .forbidden)
        expectRefusal(NotificationAggregate.self, state, .markRead(id), as: .anonymous, .forbidden)
        expectRefusal(NotificationAggregate.self, state, .markRead(id), as: Fixture.systemP, .forbidden)
        expectRefusal(NotificationAggregate.self, nil, .markRead(id), as: Fixture.aliceP, .notFound)
    }

    @Test("administrators archive once; members cannot archive")
    func archive() throws {
        let state = try sent
        let events = try run(NotificationAggregate.self, state, .archive(id), as: Fixture.adminP)
        #expect(events == [.archived(.init(tenantID: tenant, notificationID: id, actorID: Fixture.boss, at: Fixture.t0))])
        let archived = NotificationAggregate.fold(events, from: state)
        #expect(archived?.isArchived == true)
        #expect(try run(NotificationAggregate.self, archived, .archive(id), as: Fixture.adminP).isEmpty)
        expectRefusal(NotificationAggregate.self, state, .archive(id), as: Fixture.aliceP, .forbidden)
        expectRefusal(NotificationAggregate.self, state, .archive(id), as: Fixture.foreignAdminP, .forbidden)
        expectRefusal(NotificationAggregate.self, nil, .archive(id), as: Fixture.adminP, .notFound)
    }
}
