import Foundation

/// The state of one announcement.
public struct AnnouncementState: Sendable, Equatable {
    /// Where an announcement stands.
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        /// Being written; visible to administrators only.
        case draft
        /// Visible to the whole tenant.
        case published
        /// Withdrawn for good.
        case archived
    }

    /// The announcement.
    public var id: AnnouncementID
    /// The tenant.
    public var tenantID: TenantID
    /// Who drafted it; `nil` when the system did.
    public var authorID: UserID?
    /// Title, 1-200 characters.
    public var title: String
    /// Body, at most 10,000 characters.
    public var body: String
    /// Its status.
    public var status: Status
    /// Members who marked it read.
    public var readBy: Set<UserID>
    /// When it was drafted.
    public var draftedAt: Date
    /// When it was last published, while it is published.
    public var publishedAt: Date?

    /// Creates an announcement state.
    public init(
        id: AnnouncementID, tenantID: TenantID, authorID: UserID?, title: String, body: String,
        status: Status = .draft, readBy: Set<UserID> = [], draftedAt: Date, publishedAt: Date? = nil
    ) {
        self.id = id
        self.tenantID = tenantID
        self.authorID = authorID
        self.title = title
        self.body = body
        self.status = status
        self.readBy = readBy
        self.draftedAt = draftedAt
        self.publishedAt = publishedAt
    }
}
