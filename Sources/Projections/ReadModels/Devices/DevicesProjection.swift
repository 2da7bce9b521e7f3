import Domain
import EventStore
import PostgresNIO

/// The `devices` table: push targets with their token and whether pushes may be sent.
public struct DevicesProjection: Projection {
    /// `"devices"`.
    public let name = "devices"
    /// Version 2: a token registered by another device disables the devices that held it.
    public let version = 2
    /// Every ``DeviceEvent`` type.
    public var eventTypes: [String]? { DeviceEvent.eventTypes.keys.sorted() }
    /// `devices`.
    public var tables: [ReadTable] { [DeviceRow.table] }
    /// The `devices` table and its indexes.
    public var schema: [String] { DeviceRow.schema }
    /// The change-feed triggers of the synced tables.
    public var liveStatements: [String] {
        [
            ChangeFeed.trigger(on: DeviceRow.table, entity: "devices", user: "user_id", key: ["device_id"])
        ]
    }

    /// Creates the projection.
    public init() {}

    /// Applies a batch: loads the devices it touches, folds the events, upserts once.
    public func apply(_ events: [RecordedEvent], in context: ProjectionContext) async throws {
        let decoded = try DecodedEvent<DeviceEvent>.decodeAll(events)
        var devices = RowCache<DeviceRow>()
        var keys = decoded.map { DeviceRow.key(Self.deviceID(of: $0.event)) }
        let tokens = Set(
            decoded.compactMap { item -> String? in
                switch item.event {
                case .registered(let payload): payload.registration.pushToken
                case .tokenUpdated(let payload): payload.pushToken
                default: nil
                }
            })
        if !tokens.isEmpty {
            let rows = try await context.connection.query(
                "SELECT device_id::text FROM devices WHERE push_token = ANY(\(Array(tokens)))", logger: context.logger)
            for try await id in rows.decode(String.self) { keys.append(DeviceRow.key(id)) }
        }
        try await devices.load(keys, in: context)
        for item in decoded {
            let position = item.position
            switch item.event {
            case .registered(let registered):
                // A first registration, or the re-registration of an unregistered device: the row is replaced.
                let at = ReadDate.text(registered.at)
                let details = registered.registration
                Self.disableOtherHolders(
                    of: details.pushToken, provider: details.provider.rawValue, except: registered.deviceID.description,
                    at: at, position: position, in: &devices)
                devices.put(
                    DeviceRow(
                        deviceID: registered.deviceID.description, tenantID: registered.tenantID.description,
                        userID: registered.userID.description, platform: details.platform.rawValue,
                        provider: details.provider.rawValue, environment: details.environment.rawValue,
                        pushToken: details.pushToken, appID: details.appID, appVersion: details.appVersion,
                        locale: details.locale, status: "active", registeredAt: at, updatedAt: at, lastPosition: position))
            case .tokenUpdated(let updated):
                if let provider = devices[DeviceRow.key(updated.deviceID.description)]?.provider {
                    Self.disableOtherHolders(
                        of: updated.pushToken, provider: provider, except: updated.deviceID.description,
                        at: ReadDate.text(updated.at), position: position, in: &devices)
                }
                try devices.update(DeviceRow.key(updated.deviceID.description), for: item) { row in
                    row.pushToken = updated.pushToken
                    if row.status == "invalid" || row.status == "disabled" { row.status = "active" }
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

    /// Only the latest registration of a token receives pushes: every other active device holding
    /// it becomes `disabled`.
    private static func disableOtherHolders(
        of token: String, provider: String, except device: String, at: String, position: Int64, in devices: inout RowCache<DeviceRow>
    ) {
        for var row in devices.all where row.pushToken == token && row.provider == provider && row.deviceID != device && row.status == "active" {
            row.status = "disabled"
            row.invalidatedAt = at
            row.invalidReason = "the token was registered again by device \(device)"
            row.updatedAt = at
            row.lastPosition = position
            devices.put(row)
        }
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
