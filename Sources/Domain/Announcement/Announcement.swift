import Foundation

/// A tenant-wide announcement: drafted, edited and published by administrators, read by members.
///
/// Status machine: draft → published (publish), published → draft (unpublish),
/// draft/published → archived (archive). Archived announcements refuse edits and status changes
/// (`conflict`); repeating a change that already holds records nothing.
public enum Announcement: Aggregate {
    /// Stream ids are announcement ids.
    public typealias ID = AnnouncementID
    /// `nil` until `AnnouncementDrafted`.
    public typealias State = AnnouncementState?

    /// `"announcement"`.
    public static let category = "announcement"
    /// No announcement yet.
    public static let initialState: AnnouncementState? = nil

    /// Decides an announcement command.
    public static func decide(
        _ command: AnnouncementCommand, state: AnnouncementState?, context: CommandContext
    ) throws(DomainError) -> [AnnouncementEvent] {
        let now = context.timestamp
        let actor = context.principal.userID
        if case .draft(let id, let tenantID, let title, let body) = command {
            try Access.admin(context, tenantID, to: "write announcements")
            if state != nil { throw .alreadyExists("announcement \(id) already exists") }
            let title = try Validate.text(title, "title", 1...200)
            try Validate.length(body, "body", 0...10_000)
            return [.drafted(.init(tenantID: tenantID, announcementID: id, authorID: actor, title: title, body: body, at: now))]
        }
        guard let announcement = state, announcement.id == command.announcementID else {
            throw .notFound("announcement \(command.announcementID) does not exist")
        }
        let tenant = announcement.tenantID
        let id = announcement.id
        let change = AnnouncementEvent.StatusChanged(tenantID: tenant, announcementID: id, actorID: actor, at: now)

        if case .markRead = command {
            try Access.inTenant(context, tenant, to: "read announcements")
            let reader = try Access.actingUser(context, to: "mark an announcement read")
            guard announcement.status == .published else {
                throw .notFound("announcement \(id) is not published")
            }
            if announcement.readBy.contains(reader) { return [] }
            return [.read(.init(tenantID: tenant, announcementID: id, readerID: reader, at: now))]
        }
        try Access.admin(context, tenant, to: "write announcements")
        let status = announcement.status
        switch command {
        case .draft:
            throw .alreadyExists("announcement \(id) already exists")
        case .markRead:
            return []
        case .edit(_, let title, let body):
            if status == .archived { throw .conflict("cannot edit an announcement that is archived") }
            if title == nil && body == nil { throw .invalid("the edit changes neither title nor body") }
            var edited = AnnouncementEvent.Edited(tenantID: tenant, announcementID: id, actorID: actor, at: now)
            if let title {
                let title = try Validate.text(title, "title", 1...200)
                if title != announcement.title { edited.title = title }
            }
            if let body {
                try Validate.length(body, "body", 0...10_000)
                if body != announcement.body { edited.body = body }
            }
            return edited.title == nil && edited.body == nil ? [] : [.edited(edited)]
        case .publish:
            switch status {
            case .draft: return [.published(change)]
            case .published: return []
            case .archived: throw .conflict("cannot publish an announcement that is archived")
            }
        case .unpublish:
            switch status {
            case .published: return [.unpublished(change)]
            case .draft: return []
            case .archived: throw .conflict("cannot unpublish an announcement that is archived")
            }
        case .archive:
            return status == .archived ? [] : [.archived(change)]
        }
    }

    /// Applies an announcement event.
    public static func evolve(_ state: AnnouncementState?, _ event: AnnouncementEvent) -> AnnouncementState? {
        if case .drafted(let drafted) = event {
            return AnnouncementState(
                id: drafted.announcementID, tenantID: drafted.tenantID, authorID: drafted.authorID,
                title: drafted.title, body: drafted.body, draftedAt: drafted.at)
        }
        guard var announcement = state else { return state }
        switch event {
        case .drafted: break
        case .edited(let edited):
            if let title = edited.title { announcement.title = title }
            if let body = edited.body { announcement.body = body }
        case .published(let change):
            announcement.status = .published
            announcement.publishedAt = change.at
        case .unpublished:
            announcement.status = .draft
            announcement.publishedAt = nil
        case .archived:
            announcement.status = .archived
            announcement.publishedAt = nil
        case .read(let read):
            announcement.readBy.insert(read.readerID)
        }
        return announcement
    }
}

extension AnnouncementEvent.Edited {
    /// An edit that changes nothing yet.
    init(tenantID: TenantID, announcementID: AnnouncementID, actorID: UserID?, at: Date) {
        self.init(tenantID: tenantID, announcementID: announcementID, title: nil, body: nil, actorID: actorID, at: at)
    }
}
