import Logging
import PostgresNIO

/// A `LISTEN`/`NOTIFY` channel whose real name only the server's database role can read.
///
/// PostgreSQL checks no privilege for `LISTEN` or `NOTIFY`: any role that may connect to the
/// database (the read-only analyst role, say) can hear a channel or signal it, if it knows the name.
/// So the server's channels are not fixed names: each is known by a ``name`` (such as
/// `tidemark_events`) and really called `<name>_<32 random hex digits>`, drawn once per database
/// and kept in `notify_channels`, a table granted to no other role. Listeners, senders and the
/// triggers that signal look the real name up; nothing holding it is readable by other roles (a
/// function body would be: `pg_proc` is public, so triggers read the table too).
public struct NotifyChannel: Sendable, Hashable {
    /// The channel's name in `notify_channels`, for example `tidemark_events`.
    public let name: String

    /// A channel known by `name` (a short identifier of lower-case letters, digits and `_`).
    public init(name: String) {
        self.name = name
    }

    /// The real channel name on `connection`'s database; draws and stores one the first time.
    ///
    /// - Throws: ``EventStoreError`` `invalidArgument` for a name that is not a short identifier,
    ///   `notMigrated` when the table is missing (the event store's migrations were not applied
    ///   yet), `database` when PostgreSQL fails.
    public func resolve(on connection: PostgresConnection, logger: Logger) async throws(EventStoreError) -> String {
        guard (1...30).contains(name.utf8.count), name.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F }) else {
            throw EventStoreError(.invalidArgument, "a notify channel name must be 1-30 characters of a-z, 0-9 and _")
        }
        do {
            // The insert's row is invisible to the outer SELECT (one snapshot): exactly one of the
            // two branches answers.
            let rows = try await connection.query(
                """
                WITH drawn AS (
                    INSERT INTO notify_channels (name, channel)
                    VALUES (\(name), \(name) || '_' || replace(gen_random_uuid()::text, '-', ''))
                    ON CONFLICT (name) DO NOTHING
                    RETURNING channel
                )
                SELECT channel FROM drawn UNION ALL SELECT channel FROM notify_channels WHERE name = \(name)
                """,
                logger: logger
            )
            for try await channel in rows.decode(String.self) { return channel }
        } catch let error as PSQLError where error.sqlState == .undefinedTable {
            throw EventStoreError(.notMigrated, "notify_channels does not exist yet; run synccli migrate", underlying: SendableErrorBox(error))
        } catch {
            throw EventStoreError.database(error, while: "looking up notify channel \(name)")
        }
        throw EventStoreError(.database, "notify channel \(name) could not be stored")
    }

    /// The real channel name, through a connection of `client`'s pool.
    ///
    /// - Throws: See ``resolve(on:logger:)``.
    public func resolve(with client: PostgresClient, logger: Logger) async throws(EventStoreError) -> String {
        do {
            return try await client.withConnection { connection in try await resolve(on: connection, logger: logger) }
        } catch let error as EventStoreError {
            throw error
        } catch {
            throw EventStoreError.database(error, while: "looking up notify channel \(name)")
        }
    }
}
