import Foundation
import Testing

@testable import Domain

@Suite("Announcement")
struct AnnouncementTests {
    let id = AnnouncementID(rawValue: UUID(uuid: (7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)))
    let tenant = Fixture.tenant
    let admin = Fixture.adminP
    var draftCommand: AnnouncementCommand { .draft(id, tenantID: tenant, title: "Holidays", body: "Closed Monday") }
    var draft: AnnouncementState? { get throws { try given(Announcement.self, [(draftCommand, admin)]) } }
    var published: AnnouncementState? { get throws { try given(Announcement.self, [(draftCommand, admin), (.publish(id), admin)]) } }
    var archived: AnnouncementState? { get throws { try given(Announcement.self, [(draftCommand, admin), (.archive(id), admin)]) } }

    @Test("an administrator drafts an announcement")
    func drafting() throws {
        let events = try run(Announcement.self, nil, draftCommand, as: admin)
        #expect(
            events == [.drafted(.init(tenantID: tenant, announcementID: id, authorID: Fixture.boss, title: "Holidays", body: "Closed Monday", at: Fixture.t0))])
        #expect(Announcement.fold(events)?.status == .draft)
        expectRefusal(Announcement.self, try draft, draftCommand, as: admin, .alreadyExists)
        expectRefusal(Announcement.self, nil, .draft(id, tenantID: tenant, title: "", body: ""), as: admin, .invalid)
        expectRefusal(Announcement.self, nil, .draft(id, tenantID: tenant, title: "x", body: String(repeating: "b", count: 10_001)), as: admin, .invalid)
    }

    @Test(
        "only administrators and the system of the tenant write announcements",
        arguments: [Fixture.aliceP, Fixture.foreignAdminP, Fixture.foreignSystemP, .anonymous])
    func writeForbidden(principal: Principal) throws {
        expectRefusal(Announcement.self, nil, draftCommand, as: principal, .forbidden)
        let state = try published
        let commands: [AnnouncementCommand] = [.edit(id, title: "x", body: nil), .publish(id), .unpublish(id), .archive(id)]
        for command in commands {
            expectRefusal(Announcement.self, state, command, as: principal, .forbidden)
        }
    }

    @Test("edits record only what changes")
    func edit() throws {
        let state = try draft
        let events = try run(Announcement.self, state, .edit(id, title: "Holidays", body: "Closed Tuesday"), as: admin)
        #expect(events == [.edited(.init(tenantID: tenant, announcementID: id, title: nil, body: "Closed Tuesday", actorID: Fixture.boss, at: Fixture.t0))])
        #expect(Announcement.fold(events, from: state)?.body == "Closed Tuesday")
        #expect(try run(Announcement.self, state, .edit(id, title: " Holidays ", body: nil), as: admin).isEmpty)
        expectRefusal(Announcement.self, state, .edit(id, title: nil, body: nil), as: admin, .invalid)
        expectRefusal(Announcement.self, state, .edit(id, title: "", body: nil), as: admin, .invalid)
        expectRefusal(Announcement.self, try archived, .edit(id, title: "x", body: nil), as: admin, .conflict)
        expectRefusal(Announcement.self, nil, .edit(id, title: "x", body: nil), as: admin, .notFound)
    }

    @Test("publish, unpublish and archive follow the status machine")
    func statusMachine() throws {
        let draft = try draft
        let published = Announcement.fold(try run(Announcement.self, draft, .publish(id), as: admin), from: draft)
        #expect(published?.status == .published && published?.publishedAt == Fixture.t0)
        #expect(try run(Announcement.self, published, .publish(id), as: admin).isEmpty)
        #expect(try run(Announcement.self, draft, .unpublish(id), as: admin).isEmpty)
        let unpublished = Announcement.fold(try run(Announcement.self, published, .unpublish(id), as: Fixture.systemP), from: published)
        #expect(unpublished?.status == .draft)
        let archived = Announcement.fold(try run(Announcement.self, published, .archive(id), as: admin), from: published)
        #expect(archived?.status == .archived)
        #expect(try run(Announcement.self, archived, .archive(id), as: admin).isEmpty)
        expectRefusal(Announcement.self, archived, .publish(id), as: admin, .conflict)
        expectRefusal(Announcement.self, archived, .unpublish(id), as: admin, .conflict)
    }

    @Test("members mark a published announcement read once; drafts and archived ones are not found")
    func markRead() throws {
        let state = try published
        let events = try run(Announcement.self, state, .markRead(id), as: Fixture.aliceP)
        #expect(events == [.read(.init(tenantID: tenant, announcementID: id, readerID: Fixture.alice, at: Fixture.t0))])
        let read = Announcement.fold(events, from: state)
        #expect(try run(Announcement.self, read, .markRead(id), as: Fixture.aliceP).isEmpty)
        expectRefusal(Announcement.self, try draft, .markRead(id), as: Fixture.aliceP, .notFound)
        expectRefusal(Announcement.self, try archived, .markRead(id), as: Fixture.aliceP, .notFound)
        expectRefusal(Announcement.self, state, .markRead(id), as: Principal.user(Fixture.alice, tenantID: Fixture.otherTenant), .forbidden)
        expectRefusal(Announcement.self, state, .markRead(id), as: .anonymous, .forbidden)
        expectRefusal(Announcement.self, state, .markRead(id), as: Fixture.systemP, .forbidden)
    }
}
