/// A row of `announcements`: one per announcement. Archived announcements stay with
/// `status = 'archived'` (the tombstone for sync).
struct AnnouncementRow: ReadRow, Equatable {
    /// The announcement (a UUID).
    var announcementID: String
    /// The tenant.
    var tenantID: String
    /// Who drafted it; absent when the system did.
    var authorID: String?
    /// Title.
    var title: String
    /// Body.
    var body: String
    /// `draft`, `published` or `archived`.
    var status: String
    /// When it was drafted.
    var draftedAt: String
    /// When it was last published, while it is published.
    var publishedAt: String?
    /// When it was archived.
    var archivedAt: String?
    /// When the row last changed.
    var updatedAt: String
    /// The position of the last event that changed the row.
    var lastPosition: Int64

    enum CodingKeys: String, CodingKey {
        case announcementID = "announcement_id", tenantID = "tenant_id", authorID = "author_id", title, body, status
        case draftedAt = "drafted_at", publishedAt = "published_at"
        case archivedAt = "archived_at", updatedAt = "updated_at", lastPosition = "last_position"
    }

    static let table = ReadTable(
        name: "announcements", key: ["announcement_id"],
        columns: [
            "announcement_id", "tenant_id", "author_id", "title", "body", "status", "drafted_at",
            "published_at", "archived_at", "updated_at", "last_position",
        ])

    static let schema = [
        """
        CREATE TABLE announcements (
            announcement_id uuid PRIMARY KEY,
            tenant_id uuid NOT NULL,
            author_id uuid,
            title text NOT NULL,
            body text NOT NULL,
            status text NOT NULL CHECK (status IN ('draft', 'published', 'archived')),
            drafted_at timestamptz NOT NULL,
            published_at timestamptz,
            archived_at timestamptz,
            updated_at timestamptz NOT NULL,
            last_position bigint NOT NULL,
            CHECK ((status = 'published') = (published_at IS NOT NULL)),
            CHECK ((status = 'archived') = (archived_at IS NOT NULL))
        )
        """,
        "CREATE INDEX announcements_tenant_position_idx ON announcements (tenant_id, last_position)",
        "CREATE INDEX announcements_tenant_status_idx ON announcements (tenant_id, status)",
        "CREATE INDEX announcements_last_position_idx ON announcements (last_position)",
    ]

    /// The key of announcement `id`.
    static func key(_ id: String) -> ReadKey { ReadKey(["announcement_id": id]) }

    var key: ReadKey { Self.key(announcementID) }
}
