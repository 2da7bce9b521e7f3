import Domain
import EventStore
import Foundation
import PostgresNIO

/// Stores a push batch's answers in the batch's transaction, prepared once per connection: the
/// applied mutations' idempotency keys in `command_log` and every answer in `sync_mutations`. The
/// answers may belong to several devices (pushes combined by ``PushCombiner``): each row names its
/// own device and each log entry its own actor.
///
/// One row: how many keys were logged and how many answers recorded (a conflict on either means
/// another request stored them first, and the batch falls back to one mutation at a time).
struct RecordAnswersStatement: BoundStatement {
    static let name = "tidemark_push_record_answers_v2"
    static let sql = """
        WITH logged AS (
            INSERT INTO command_log (idempotency_key, actor, stream, event_types, positions, stream_version)
            SELECT key, actor, stream, event_types::text[], positions::int8[], stream_version
            FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int8[])
                AS c(key, actor, stream, event_types, positions, stream_version)
            ON CONFLICT (idempotency_key) DO NOTHING
            RETURNING 1
        ), recorded AS (
            INSERT INTO sync_mutations (tenant_id, device_id, seq, mutation_id, user_id, name, status, positions, event_types, code, message, transaction_id, last_position)
            SELECT tenant_id, device_id, seq, mutation_id, user_id, name, status,
                   positions::int8[], event_types::text[], NULLIF(code, ''), NULLIF(message, ''),
                   CASE WHEN positions = '{}' THEN NULL ELSE pg_current_xact_id() END,
                   (SELECT max(p) FROM unnest(positions::int8[]) AS p)
            FROM unnest($7::uuid[], $8::uuid[], $9::uuid[], $10::int8[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[])
                AS a(tenant_id, device_id, user_id, seq, mutation_id, name, status, positions, event_types, code, message)
            ON CONFLICT DO NOTHING
            RETURNING 1
        )
        SELECT (SELECT count(*) FROM logged)::int8, (SELECT count(*) FROM recorded)::int8
        """

    /// The applied mutations' part (`command_log`).
    struct Logged {
        var keys: [String] = []
        var actors: [String] = []
        var streams: [String] = []
        var eventTypes: [String] = []
        var positions: [String] = []
        var streamVersions: [Int64] = []
    }

    /// Every answer's part (`sync_mutations`).
    struct Answers {
        var tenants: [UUID] = []
        var devices: [UUID] = []
        var users: [UUID] = []
        var seqs: [Int64] = []
        var ids: [String] = []
        var names: [String] = []
        var statuses: [String] = []
        var positions: [String] = []
        var eventTypes: [String] = []
        var codes: [String] = []
        var messages: [String] = []
    }

    let bindings: PostgresBindings

    /// The statement; array elements that are arrays themselves are array literals (`{a,b}`),
    /// unnested and cast back in SQL.
    init(logged: Logged, answers: Answers) {
        var bindings = PostgresBindings(capacity: 17)
        bindings.append(logged.keys)
        bindings.append(logged.actors)
        bindings.append(logged.streams)
        bindings.append(logged.eventTypes)
        bindings.append(logged.positions)
        bindings.append(logged.streamVersions)
        bindings.append(answers.tenants)
        bindings.append(answers.devices)
        bindings.append(answers.users)
        bindings.append(answers.seqs)
        bindings.append(answers.ids)
        bindings.append(answers.names)
        bindings.append(answers.statuses)
        bindings.append(answers.positions)
        bindings.append(answers.eventTypes)
        bindings.append(answers.codes)
        bindings.append(answers.messages)
        self.bindings = bindings
    }
}
