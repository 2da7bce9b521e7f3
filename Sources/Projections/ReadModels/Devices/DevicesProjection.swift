import Domain
import EventStore

/// The `devices` table: push targets with their token and whether pushes may be sent.
public struct DevicesProjection: Projection {
    /// `"devices"`.
    public let name = "devices"
    /// Version 1.
    public let version = 1
    /// Every ``DeviceEvent`` type.
    public var eventTypes: [String]? { DeviceEvent.eventTypes.keys.sorted() }
    /// `devices`.
    public var tables: [ReadTable] { [DeviceRow.table] }
    /// The `devices` table and its indexes.
    public var schema: [String] { DeviceRow.schema }
    /// The change-feed triggers of the synced tables.
    public var liveStatements: [String] {
        [
            ChangeFeed.trigger(on: DeviceRow.table, entity: "devices", user: "user_id", key: ["device_id"]),
        ]
    }

    /// Creates the projection.
    public init() {}

    /// Applies a batch: loads the devices it touches, folds the events, upserts once.
    public func apply(_ events: [RecordedEvent], in context: ProjectionContext) async throws {
        let decoded = try DecodedEvent<DeviceEvent>.decodeAll(events)
        var devices = RowCache<DeviceRow>()
        try await devices.load(decoded.map { DeviceRow.key(Self.deviceID(of: $0.event)) }, in: context)
        for item in decoded {
            let position = item.position
            switch item.event {
            case .registered(let registered):
                // A first registration, or the re-registration of an unregistered device: the row is replaced.
                let at = ReadDate.text(registered.at)
                let details = registered.registration
                devices.put(DeviceRow(
                    deviceID: registered.deviceID.description, tenantID: registered.tenantID.description,
                    userID: registered.userID.description, platform: details.platform.rawValue,
                    provider: details.provider.rawValue, environment: details.environment.rawValue,
                    pushToken: details.pushToken, appID: details.appID, appVersion: details.appVersion,
                    locale: details.locale, status: "active", registeredAt: at, updatedAt: at, lastPosition: position))
            case .tokenUpdated(let updated):
                try devices.update(DeviceRow.key(updated.deviceID.description), for: item) { row in
                    row.pushToken = updated.pushToken
                    if row.status == "invalid" { row.status = "active" }
                    row.invalidatedAt = nil
                    row.invalidReason = nil
                    row.updatedAt = ReadDate.text(updated.at)
                    row.lastPosition = position
                }
            case .unregistered(let unregistered):
                try devices.update(DeviceRow.key(unregistered.deviceID.description), for: item) { row in
                    row.status = "unregistered"
                    row.unregisteredAt = ReadDate.text(unregistered.at)
                    row.updatedAt = ReadDate.text(unregistered.at)
                    row.lastPosition = position
                }
            case .tokenInvalidated(let invalidated):
                try devices.update(DeviceRow.key(invalidated.deviceID.description), for: item) { row in
                    if row.status == "active" { row.status = "invalid" }
                    row.invalidatedAt = ReadDate.text(invalidated.at)
                    row.invalidReason = invalidated.reason
                    row.updatedAt = ReadDate.text(invalidated.at)
                    row.lastPosition = position
                }
            }
        }
        try await devices.save(in: context)
    }

    private static func deviceID(of event: DeviceEvent) -> String {
        switch event {
        case .registered(let payload): payload.deviceID.description
        case .tokenUpdated(let payload): payload.deviceID.description
        case .unregistered(let payload): payload.deviceID.description
        case .tokenInvalidated(let payload): payload.deviceID.description
        }
    }
}
