/// Commands of the ``Announcement`` aggregate.
public enum AnnouncementCommand: Sendable, Equatable {
    /// Drafts a new announcement.
    case draft(AnnouncementID, tenantID: TenantID, title: String, body: String)
    /// Edits the title and/or body (`nil` leaves a field unchanged).
    case edit(AnnouncementID, title: String?, body: String?)
    /// Publishes a draft to the whole tenant.
    case publish(AnnouncementID)
    /// Takes a published announcement back to draft.
    case unpublish(AnnouncementID)
    /// Archives the announcement for good.
    case archive(AnnouncementID)
    /// Marks a published announcement read by the acting member.
    case markRead(AnnouncementID)

    /// The announcement this command targets.
    public var announcementID: AnnouncementID {
        switch self {
        case .draft(let id, _, _, _), .edit(let id, _, _), .publish(let id), .unpublish(let id),
            .archive(let id), .markRead(let id):
            id
        }
    }
}
