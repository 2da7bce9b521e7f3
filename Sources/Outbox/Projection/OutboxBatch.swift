import Domain
import EventStore
import Foundation
import PostgresNIO
import Projections

/// The outbox's work on one batch of events, in log order: keeps its device, audience and source
/// tables current, fans messages out into `push_deliveries`, and withdraws pending deliveries that
/// a device change makes wrong (unregistered, moved to another user, token rejected or taken over).
///
/// Every statement on `push_deliveries` that changes existing rows only touches rows created by
/// earlier events (`source_position < position`), so replaying or rebuilding from any position
/// changes nothing the live pass did not.
struct OutboxBatch {
    let projection: PushOutboxProjection
    let context: ProjectionContext
    private var targets = RowCache<PushTargetRow>()
    private var audience = RowCache<PushAudienceRow>()
    private var sources = RowCache<PushSourceRow>()
    private let encoder = JSONEncoder()
    private let decoder = JSONDecoder()

    init(projection: PushOutboxProjection, context: ProjectionContext) {
        self.projection = projection
        self.context = context
    }

    /// Loads every row the batch touches, including devices that hold a token registered in it.
    mutating func preload(_ inputs: [(RecordedEvent, OutboxInput)]) async throws {
        var devices: [ReadKey] = []
        var tokens: [String] = []
        var users: [ReadKey] = []
        var keys: [ReadKey] = []
        for (_, input) in inputs {
            switch input {
            case .device(let event):
                switch event {
                case .registered(let payload):
                    devices.append(PushTargetRow.key(payload.deviceID.description))
                    tokens.append(payload.registration.pushToken)
                case .tokenUpdated(let payload):
                    devices.append(PushTargetRow.key(payload.deviceID.description))
                    tokens.append(payload.pushToken)
                case .unregistered(let payload): devices.append(PushTargetRow.key(payload.deviceID.description))
                case .tokenInvalidated(let payload): devices.append(PushTargetRow.key(payload.deviceID.description))
                }
            case .user(let event): users.append(PushAudienceRow.key(Self.userID(of: event)))
            case .preferences(.set(let payload)): users.append(PushAudienceRow.key(payload.userID.description))
            case .announcement(let event): keys.append(PushSourceRow.key(Self.sourceKey(event)))
            case .order(let event): keys.append(PushSourceRow.key(Self.sourceKey(event)))
            case .notification: break
            }
        }
        if !tokens.isEmpty {
            let rows = try await context.connection.query(
                "SELECT device_id::text FROM push_targets WHERE token = ANY(\(Array(Set(tokens))))", logger: context.logger)
            for try await id in rows.decode(String.self) { devices.append(PushTargetRow.key(id)) }
        }
        try await targets.load(devices, in: context)
        try await audience.load(users, in: context)
        try await sources.load(keys, in: context)
    }

    /// Applies one event.
    mutating func apply(_ recorded: RecordedEvent, _ input: OutboxInput) async throws {
        let position = recorded.position
        switch input {
        case .device(let event): try await applyDevice(event, recorded)
        case .user(let event): applyUser(event, position: position)
        case .preferences(.set(let payload)):
            let settings = String(decoding: try encoder.encode(payload.settings), as: UTF8.self)
            let key = PushAudienceRow.key(payload.userID.description)
            var row =
                audience[key]
                ?? PushAudienceRow(
                    userID: payload.userID.description, tenantID: payload.tenantID.description, active: false, lastPosition: position)
            row.settings = settings
            row.lastPosition = position
            audience.put(row)
        case .notification(.sent(let sent)):
            let kind = sent.type.lowercased()
            try await fanOut(
                OutboxMessage(
                    kind: kind, audience: .users(sent.receiverIDs.map(\.description)), title: sent.title, body: sent.content,
                    data: ["kind": "notification", "type": sent.type, "notification_id": sent.notificationID.description],
                    collapseKey: nil, priority: "high", ttl: projection.policy.notificationTTL), recorded)
        case .notification: break
        case .announcement(let event): try await applyAnnouncement(event, recorded)
        case .order(let event): try await applyOrder(event, recorded)
        }
    }

    /// Writes the remaining row changes.
    mutating func finish() async throws {
        try await flush()
    }

    // MARK: - Devices

    private mutating func applyDevice(_ event: DeviceEvent, _ recorded: RecordedEvent) async throws {
        let position = recorded.position
        switch event {
        case .registered(let registered):
            let id = registered.deviceID.description
            let details = registered.registration
            try await takeOver(token: details.pushToken, provider: details.provider.rawValue, by: id, position: position)
            targets.put(
                PushTargetRow(
                    deviceID: id, tenantID: registered.tenantID.description, userID: registered.userID.description,
                    provider: details.provider.rawValue, environment: details.environment.rawValue, token: details.pushToken,
                    appID: details.appID, active: true, lastPosition: position))
            // Pending pushes of a shared device that moved to another user are withdrawn; the
            // rest follow the new token.
            try await withdraw(
                device: id, before: position, reason: "the device was registered to another user",
                keepUser: registered.userID.description)
            try await context.execute(
                """
                UPDATE public.push_deliveries SET token = \(details.pushToken), environment = \(details.environment.rawValue),
                       topic = \(details.appID), updated_at = now()
                WHERE device_id = \(id)::uuid AND status IN ('queued', 'retrying') AND source_position < \(position)
                """)
        case .tokenUpdated(let updated):
            let id = updated.deviceID.description
            guard var row = targets[PushTargetRow.key(id)] else { throw missing(recorded, id) }
            try await takeOver(token: updated.pushToken, provider: row.provider, by: id, position: position)
            row.token = updated.pushToken
            row.active = true
            row.lastPosition = position
            targets.put(row)
            try await context.execute(
                """
                UPDATE public.push_deliveries SET token = \(updated.pushToken), updated_at = now()
                WHERE device_id = \(id)::uuid AND status IN ('queued', 'retrying') AND source_position < \(position)
                """)
        case .unregistered(let unregistered):
            let id = unregistered.deviceID.description
            guard var row = targets[PushTargetRow.key(id)] else { throw missing(recorded, id) }
            row.active = false
            row.lastPosition = position
            targets.put(row)
            try await withdraw(device: id, before: position, reason: "the device was unregistered")
        case .tokenInvalidated(let invalidated):
            let id = invalidated.deviceID.description
            guard var row = targets[PushTargetRow.key(id)] else { throw missing(recorded, id) }
            if row.token == invalidated.pushToken {
                row.active = false
                row.lastPosition = position
                targets.put(row)
            }
            try await withdraw(
                device: id, before: position, reason: "the provider rejected the token (\(invalidated.reason))",
                token: invalidated.pushToken)
        }
    }

    /// Deactivates the other devices that hold `token`: only the latest registration of a token receives pushes.
    private mutating func takeOver(token: String, provider: String, by device: String, position: Int64) async throws {
        let holders = targets.all.filter { $0.token == token && $0.provider == provider && $0.deviceID != device && $0.active }
        for var holder in holders {
            holder.active = false
            holder.lastPosition = position
            targets.put(holder)
            try await withdraw(device: holder.deviceID, before: position, reason: "the token was registered by device \(device)")
        }
    }

    /// Marks the pending, unleased deliveries of `device` created before `position` as skipped:
    /// only those of another user than `keepUser`, or only those sent to `token`, when given.
    private func withdraw(device: String, before position: Int64, reason: String, keepUser: String? = nil, token: String? = nil) async throws {
        try await context.execute(
            """
            UPDATE public.push_deliveries SET status = 'skipped', status_reason = \(reason), updated_at = now()
            WHERE device_id = \(device)::uuid AND status IN ('queued', 'retrying') AND source_position < \(position)
              AND (lease_until IS NULL OR lease_until < now())
              AND (\(keepUser)::uuid IS NULL OR user_id <> \(keepUser)::uuid)
              AND (\(token)::text IS NULL OR token = \(token)::text)
            """)
    }

    // MARK: - Users

    private mutating func applyUser(_ event: UserEvent, position: Int64) {
        let key = PushAudienceRow.key(Self.userID(of: event))
        if case .registered(let registered) = event {
            let existing = audience[key]
            audience.put(
                PushAudienceRow(
                    userID: registered.userID.description, tenantID: registered.tenantID.description, active: true,
                    timeZone: existing?.timeZone, settings: existing?.settings, lastPosition: position))
            return
        }
        guard var row = audience[key] else { return }
        switch event {
        case .profileUpdated(let update):
            guard let zone = update.timeZone else { return }
            row.timeZone = zone.isEmpty ? nil : zone
        case .locked, .deactivated, .deleted: row.active = false
        case .unlocked: row.active = true
        default: return
        }
        row.lastPosition = position
        audience.put(row)
    }

    // MARK: - Announcements and orders

    private mutating func applyAnnouncement(_ event: AnnouncementEvent, _ recorded: RecordedEvent) async throws {
        let key = Self.sourceKey(event)
        switch event {
        case .drafted(let drafted):
            sources.put(
                PushSourceRow(
                    sourceKey: key, tenantID: drafted.tenantID.description, title: drafted.title, body: drafted.body,
                    lastPosition: recorded.position))
        case .edited(let edited):
            guard var row = sources[PushSourceRow.key(key)] else { return }
            if let title = edited.title { row.title = title }
            if let body = edited.body { row.body = body }
            row.lastPosition = recorded.position
            sources.put(row)
        case .published(let published):
            guard let row = sources[PushSourceRow.key(key)] else { return }
            try await fanOut(
                OutboxMessage(
                    kind: "announcement", audience: .tenant(published.tenantID.description), title: row.title,
                    body: Self.excerpt(row.body), data: ["kind": "announcement", "announcement_id": published.announcementID.description],
                    collapseKey: key, priority: "normal", ttl: projection.policy.announcementTTL), recorded)
        default: break
        }
    }

    private mutating func applyOrder(_ event: OrderEvent, _ recorded: RecordedEvent) async throws {
        let key = Self.sourceKey(event)
        switch event {
        case .placed(let placed):
            sources.put(
                PushSourceRow(
                    sourceKey: key, tenantID: placed.tenantID.description, userID: placed.customerID.description,
                    title: "Order update", body: "", lastPosition: recorded.position))
        case .transitioned(let transition, let changed):
            guard let customer = sources[PushSourceRow.key(key)]?.userID else { return }
            let status = changed.to.rawValue.replacingOccurrences(of: "_", with: " ")
            try await fanOut(
                OutboxMessage(
                    kind: "order", audience: .users([customer]), title: "Order update",
                    body: "Your order is now \(status).",
                    data: ["kind": "order", "order_id": changed.orderID.description, "status": changed.to.rawValue, "transition": transition.rawValue],
                    collapseKey: key, priority: "high", ttl: projection.policy.orderTTL), recorded)
        }
    }

    // MARK: - Fan-out

    /// Inserts one delivery per active device of the message's audience, deciding per user whether
    /// it is muted or waits for quiet hours, and supersedes older pending pushes with the same collapse key.
    private mutating func fanOut(_ message: OutboxMessage, _ recorded: RecordedEvent) async throws {
        let now = projection.now()
        let expiresAt = recorded.recordedAt.addingTimeInterval(message.ttl.seconds)
        guard expiresAt > now else { return }
        try await flush()
        let (users, tenant): ([String]?, String?) =
            switch message.audience {
            case .users(let ids): (ids, nil)
            case .tenant(let tenant): (nil, tenant)
            }
        let rows = try await context.connection.query(
            """
            SELECT t.device_id::text, t.user_id::text, t.tenant_id::text, t.provider, t.environment, t.token, t.app_id, a.time_zone, a.settings
            FROM push_targets t JOIN push_audience a ON a.user_id = t.user_id
            WHERE t.active AND a.active
              AND (\(users)::uuid[] IS NULL OR t.user_id = ANY(\(users)::uuid[]))
              AND (\(tenant)::uuid IS NULL OR (a.tenant_id = \(tenant)::uuid AND t.tenant_id = \(tenant)::uuid))
            """, logger: context.logger)
        var deliveries: [OutboxDelivery] = []
        var preferences: [String: (PushSettings?, TimeZone)] = [:]
        let eventAt = ReadDate.text(recorded.recordedAt)
        for try await (device, user, tenant, provider, environment, token, appID, profileZone, settingsText) in rows.decode(
            (String, String, String, String, String, String, String?, String?, String?).self
        ) {
            let (settings, zone) =
                preferences[user]
                ?? {
                    let settings = settingsText.flatMap { try? decoder.decode(PushSettings.self, from: Data($0.utf8)) }
                    let zone = (settings?.timeZone ?? profileZone).flatMap(TimeZone.init(identifier:)) ?? TimeZone(secondsFromGMT: 0) ?? .current
                    preferences[user] = (settings, zone)
                    return (settings, zone)
                }()
            var status = "queued"
            var reason: String?
            var notBefore = eventAt
            if settings?.muted.contains(message.kind) == true {
                status = "skipped"
                reason = "muted by the user: \(message.kind)"
            } else if let quiet = settings?.quietHours, let end = quiet.end(containing: now, in: zone) {
                if end >= expiresAt {
                    status = "skipped"
                    reason = "quiet hours outlast the message's expiry"
                } else {
                    notBefore = ReadDate.text(end)
                    reason = "held for quiet hours until \(notBefore)"
                }
            }
            deliveries.append(
                OutboxDelivery(
                    idempotencyKey: "\(recorded.id.uuidString.lowercased()):\(device)", tenantID: tenant, userID: user, deviceID: device,
                    channel: provider, environment: environment, token: token, topic: appID, kind: message.kind,
                    sourceEventID: recorded.id.uuidString.lowercased(), sourcePosition: recorded.position, sourceType: recorded.type,
                    eventAt: eventAt, title: message.title, body: message.body, data: message.data, collapseKey: message.collapseKey,
                    priority: message.priority, expiresAt: ReadDate.text(expiresAt), status: status, statusReason: reason,
                    notBefore: notBefore))
        }
        guard !deliveries.isEmpty else { return }
        let json = String(decoding: try encoder.encode(deliveries), as: UTF8.self)
        let inserted = try await context.connection.query(
            PostgresQuery(
                unsafeSQL: OutboxDelivery.insertSQL,
                binds: {
                    var binds = PostgresBindings(capacity: 1)
                    binds.append(json)
                    return binds
                }()), logger: context.logger)
        var collapsing: [(device: String, key: String)] = []
        for try await (queuedWithKey, device, key) in inserted.decode((Bool, String, String?).self) {
            if queuedWithKey, let key { collapsing.append((device, key)) }
        }
        if !collapsing.isEmpty {
            try await context.execute(
                """
                UPDATE public.push_deliveries o
                SET status = 'superseded', status_reason = 'superseded by a newer push with the same collapse key', updated_at = now()
                FROM unnest(\(collapsing.map(\.device))::uuid[], \(collapsing.map(\.key))::text[]) AS n(device_id, collapse_key)
                WHERE o.device_id = n.device_id AND o.collapse_key = n.collapse_key AND o.source_position < \(recorded.position)
                  AND o.status IN ('queued', 'retrying') AND (o.lease_until IS NULL OR o.lease_until < now())
                """)
        }
    }

    private mutating func flush() async throws {
        try await targets.flush(in: context)
        try await audience.flush(in: context)
        try await sources.flush(in: context)
    }

    private func missing(_ recorded: RecordedEvent, _ device: String) -> ReadModelError {
        ReadModelError(
            .missingRow, eventType: recorded.type, position: recorded.position,
            message: "push_targets has no device \(device) (stream \(recorded.stream))")
    }

    // MARK: - Keys

    static func userID(of event: UserEvent) -> String {
        switch event {
        case .registered(let payload): payload.userID.description
        case .profileUpdated(let payload): payload.userID.description
        case .passwordChanged(let payload): payload.userID.description
        case .roleGranted(let payload), .roleRevoked(let payload): payload.userID.description
        case .locked(let payload), .unlocked(let payload), .deactivated(let payload), .deleted(let payload): payload.userID.description
        case .erased(let payload): payload.userID.description
        }
    }

    static func sourceKey(_ event: AnnouncementEvent) -> String {
        switch event {
        case .drafted(let payload): "announcement:\(payload.announcementID)"
        case .edited(let payload): "announcement:\(payload.announcementID)"
        case .published(let payload), .unpublished(let payload), .archived(let payload): "announcement:\(payload.announcementID)"
        case .read(let payload): "announcement:\(payload.announcementID)"
        }
    }

    static func sourceKey(_ event: OrderEvent) -> String {
        switch event {
        case .placed(let payload): "order:\(payload.orderID)"
        case .transitioned(_, let payload): "order:\(payload.orderID)"
        }
    }

    static func excerpt(_ text: String) -> String {
        text.count <= 200 ? text : String(text.prefix(199)) + "…"
    }
}
