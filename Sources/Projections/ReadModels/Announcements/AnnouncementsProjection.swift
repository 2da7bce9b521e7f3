import Domain
import EventStore

/// The `announcements` and `announcement_reads` tables.
public struct AnnouncementsProjection: Projection {
    /// `"announcements"`.
    public let name = "announcements"
    /// Version 1.
    public let version = 1
    /// Every ``AnnouncementEvent`` type.
    public var eventTypes: [String]? { AnnouncementEvent.eventTypes.keys.sorted() }
    /// `announcements` and `announcement_reads`.
    public var tables: [ReadTable] { [AnnouncementRow.table, AnnouncementReadRow.table] }
    /// Both tables and their indexes.
    public var schema: [String] { AnnouncementRow.schema + AnnouncementReadRow.schema }
    /// The change-feed triggers of the synced tables.
    public var liveStatements: [String] {
        [
            ChangeFeed.trigger(on: AnnouncementRow.table, entity: "announcements", user: nil, key: ["announcement_id"]),
            ChangeFeed.trigger(on: AnnouncementReadRow.table, entity: "announcements", user: "reader_id", key: ["announcement_id"]),
        ]
    }

    /// Creates the projection.
    public init() {}

    /// Applies a batch: loads the announcements and reads it touches, folds the events, upserts once per table.
    public func apply(_ events: [RecordedEvent], in context: ProjectionContext) async throws {
        let decoded = try DecodedEvent<AnnouncementEvent>.decodeAll(events)
        var announcements = RowCache<AnnouncementRow>()
        var reads = RowCache<AnnouncementReadRow>()
        try await announcements.load(decoded.map { AnnouncementRow.key(Self.announcementID(of: $0.event)) }, in: context)
        try await reads.load(
            decoded.compactMap { item -> ReadKey? in
                guard case .read(let read) = item.event else { return nil }
                return AnnouncementReadRow.key(read.announcementID.description, read.readerID.description)
            }, in: context)
        for item in decoded {
            try Self.apply(item, announcements: &announcements, reads: &reads)
        }
        try await announcements.save(in: context)
        try await reads.save(in: context)
    }

    private static func apply(
        _ item: DecodedEvent<AnnouncementEvent>, announcements: inout RowCache<AnnouncementRow>,
        reads: inout RowCache<AnnouncementReadRow>
    ) throws {
        let position = item.position
        switch item.event {
        case .drafted(let drafted):
            let at = ReadDate.text(drafted.at)
            announcements.put(
                AnnouncementRow(
                    announcementID: drafted.announcementID.description, tenantID: drafted.tenantID.description,
                    authorID: drafted.authorID?.description, title: drafted.title, body: drafted.body,
                    status: AnnouncementState.Status.draft.rawValue, draftedAt: at, updatedAt: at,
                    lastPosition: position))
        case .edited(let edited):
            try announcements.update(AnnouncementRow.key(edited.announcementID.description), for: item) { row in
                if let title = edited.title { row.title = title }
                if let body = edited.body { row.body = body }
                row.updatedAt = ReadDate.text(edited.at)
                row.lastPosition = position
            }
        case .published(let change):
            try announcements.update(AnnouncementRow.key(change.announcementID.description), for: item) { row in
                row.status = AnnouncementState.Status.published.rawValue
                row.publishedAt = ReadDate.text(change.at)
                row.updatedAt = ReadDate.text(change.at)
                row.lastPosition = position
            }
        case .unpublished(let change):
            try announcements.update(AnnouncementRow.key(change.announcementID.description), for: item) { row in
                row.status = AnnouncementState.Status.draft.rawValue
                row.publishedAt = nil
                row.updatedAt = ReadDate.text(change.at)
                row.lastPosition = position
            }
        case .archived(let change):
            try announcements.update(AnnouncementRow.key(change.announcementID.description), for: item) { row in
                row.status = AnnouncementState.Status.archived.rawValue
                row.publishedAt = nil
                row.archivedAt = ReadDate.text(change.at)
                row.updatedAt = ReadDate.text(change.at)
                row.lastPosition = position
            }
        case .read(let read):
            let id = read.announcementID.description
            let key = AnnouncementReadRow.key(id, read.readerID.description)
            let announcementKey = AnnouncementRow.key(id)
            guard let announcement = announcements[announcementKey] else {
                throw item.missing(AnnouncementRow.table, announcementKey)
            }
            if reads[key] == nil {
                reads.put(
                    AnnouncementReadRow(
                        announcementID: id, readerID: read.readerID.description, tenantID: announcement.tenantID,
                        readAt: ReadDate.text(read.at), lastPosition: position))
            }
        }
    }

    private static func announcementID(of event: AnnouncementEvent) -> String {
        switch event {
        case .drafted(let payload): payload.announcementID.description
        case .edited(let payload): payload.announcementID.description
        case .published(let payload), .unpublished(let payload), .archived(let payload): payload.announcementID.description
        case .read(let payload): payload.announcementID.description
        }
    }
}
