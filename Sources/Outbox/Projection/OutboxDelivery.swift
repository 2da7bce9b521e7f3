/// One row for `push_deliveries`, as the outbox projection inserts it.
struct OutboxDelivery: Encodable, Sendable {
    var idempotencyKey: String
    var tenantID: String
    var userID: String
    var deviceID: String
    var channel: String
    var environment: String
    var token: String
    var topic: String?
    var kind: String
    var sourceEventID: String
    var sourcePosition: Int64
    var sourceType: String
    var eventAt: String
    var title: String
    var body: String
    var data: [String: String]
    var collapseKey: String?
    var priority: String
    var expiresAt: String
    var status: String
    var statusReason: String?
    var notBefore: String

    enum CodingKeys: String, CodingKey {
        case idempotencyKey = "idempotency_key", tenantID = "tenant_id", userID = "user_id", deviceID = "device_id"
        case channel, environment, token, topic, kind, sourceEventID = "source_event_id", sourcePosition = "source_position"
        case sourceType = "source_type", eventAt = "event_at", title, body, data, collapseKey = "collapse_key", priority
        case expiresAt = "expires_at", status, statusReason = "status_reason", notBefore = "not_before"
    }

    /// Inserts the rows of `$1` (a JSON array); the id is the MD5 of the idempotency key, so a
    /// replay or a rebuild finds the row already there and inserts nothing.
    static let insertSQL = """
        INSERT INTO public.push_deliveries (
            delivery_id, idempotency_key, tenant_id, user_id, device_id, channel, environment, token, topic, kind,
            source_event_id, source_position, source_type, event_at, title, body, data, collapse_key, priority,
            expires_at, status, status_reason, not_before)
        SELECT md5(r.idempotency_key)::uuid, r.idempotency_key, r.tenant_id, r.user_id, r.device_id, r.channel, r.environment,
               r.token, r.topic, r.kind, r.source_event_id, r.source_position, r.source_type, r.event_at, r.title, r.body,
               r.data, r.collapse_key, r.priority, r.expires_at, r.status, r.status_reason, r.not_before
        FROM jsonb_to_recordset($1::jsonb) AS r(
            idempotency_key text, tenant_id uuid, user_id uuid, device_id uuid, channel text, environment text, token text,
            topic text, kind text, source_event_id uuid, source_position bigint, source_type text, event_at timestamptz,
            title text, body text, data jsonb, collapse_key text, priority text, expires_at timestamptz, status text,
            status_reason text, not_before timestamptz)
        ON CONFLICT DO NOTHING
        RETURNING status = 'queued' AND collapse_key IS NOT NULL, device_id::text, collapse_key
        """
}
