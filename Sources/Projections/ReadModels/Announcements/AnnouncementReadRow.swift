/// A row of `announcement_reads`: one per announcement and member who marked it read.
struct AnnouncementReadRow: ReadRow, Equatable {
    /// The announcement.
    var announcementID: String
    /// The member who read it.
    var readerID: String
    /// The tenant.
    var tenantID: String
    /// When they read it.
    var readAt: String
    /// The position of the event that recorded the read.
    var lastPosition: Int64

    enum CodingKeys: String, CodingKey {
        case announcementID = "announcement_id", readerID = "reader_id", tenantID = "tenant_id"
        case readAt = "read_at", lastPosition = "last_position"
    }

    static let table = ReadTable(
        name: "announcement_reads", key: ["announcement_id", "reader_id"],
        columns: ["announcement_id", "reader_id", "tenant_id", "read_at", "last_position"])

    static let schema = [
        """
        CREATE TABLE announcement_reads (
            announcement_id uuid NOT NULL,
            reader_id uuid NOT NULL,
            tenant_id uuid NOT NULL,
            read_at timestamptz NOT NULL,
            last_position bigint NOT NULL,
            PRIMARY KEY (announcement_id, reader_id)
        )
        """,
        "CREATE INDEX announcement_reads_reader_position_idx ON announcement_reads (tenant_id, reader_id, last_position)",
        "CREATE INDEX announcement_reads_tenant_position_idx ON announcement_reads (tenant_id, last_position)",
        "CREATE INDEX announcement_reads_last_position_idx ON announcement_reads (last_position)",
    ]

    /// The key of `reader`'s read of announcement `announcement`.
    static func key(_ announcement: String, _ reader: String) -> ReadKey {
        ReadKey(["announcement_id": announcement, "reader_id": reader])
    }

    var key: ReadKey { Self.key(announcementID, readerID) }
}
