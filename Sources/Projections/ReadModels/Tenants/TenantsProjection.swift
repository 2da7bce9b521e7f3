import Domain
import EventStore

/// The `tenants` table: one row per tenant, kept after deactivation.
public struct TenantsProjection: Projection {
    /// `"tenants"`.
    public let name = "tenants"
    /// Version 1.
    public let version = 1
    /// Every ``TenantEvent`` type.
    public var eventTypes: [String]? { TenantEvent.eventTypes.keys.sorted() }
    /// `tenants`.
    public var tables: [ReadTable] { [TenantRow.table] }
    /// The `tenants` table and its indexes.
    public var schema: [String] { TenantRow.schema }
    /// The change-feed triggers of the synced tables.
    public var liveStatements: [String] {
        [
            ChangeFeed.trigger(on: TenantRow.table, entity: "tenant", user: nil, key: ["tenant_id"])
        ]
    }

    /// Creates the projection.
    public init() {}

    /// Applies a batch: loads the tenants it touches, folds the events, upserts once.
    public func apply(_ events: [RecordedEvent], in context: ProjectionContext) async throws {
        let decoded = try DecodedEvent<TenantEvent>.decodeAll(events)
        var tenants = RowCache<TenantRow>()
        try await tenants.load(decoded.map { TenantRow.key(Self.tenantID(of: $0.event).description) }, in: context)
        for item in decoded {
            let position = item.position
            switch item.event {
            case .created(let created):
                let at = ReadDate.text(created.at)
                tenants.put(
                    TenantRow(
                        tenantID: created.tenantID.description, name: created.name, code: created.code, active: true,
                        createdAt: at, updatedAt: at, deactivatedAt: nil, lastPosition: position))
            case .renamed(let renamed):
                try tenants.update(TenantRow.key(renamed.tenantID.description), for: item) { row in
                    row.name = renamed.name
                    row.updatedAt = ReadDate.text(renamed.at)
                    row.lastPosition = position
                }
            case .deactivated(let deactivated):
                try tenants.update(TenantRow.key(deactivated.tenantID.description), for: item) { row in
                    row.active = false
                    row.deactivatedAt = ReadDate.text(deactivated.at)
                    row.updatedAt = ReadDate.text(deactivated.at)
                    row.lastPosition = position
                }
            }
        }
        try await tenants.save(in: context)
    }

    private static func tenantID(of event: TenantEvent) -> TenantID {
        switch event {
        case .created(let payload): payload.tenantID
        case .renamed(let payload): payload.tenantID
        case .deactivated(let payload): payload.tenantID
        }
    }
}
