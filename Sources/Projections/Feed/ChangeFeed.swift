import EventStore

/// The change feed of the read models: which replicated row changed, in commit order, for whom.
///
/// A row trigger on each synced live table appends `(tenant, user, entity, key)` to
/// `read_changes` in the same transaction as the projection batch that changed the row, and
/// sends `'tenant'` or `'tenant:user'` on the private channel of ``channel`` (PostgreSQL folds
/// duplicates within a transaction, so a batch sends one notification per partition).
///
/// `read_changes` is read with the same gap-free rule as the log: rows are taken only below
/// `pg_snapshot_xmin(pg_current_snapshot())`, ordered by `(transaction_id, seq)`, and that pair
/// is the cursor. Triggers exist only on live tables: a rebuild's shadow tables record nothing,
/// and each swap or reset increments `read_change_feed.epoch`, which makes every older cursor
/// answer `resync_required`.
public enum ChangeFeed {
    /// The notification channel the triggers signal: its real name, drawn by migration
    /// `projections` 3, is private to the server's role (see `NotifyChannel`), so a role that may
    /// only read the `read` schema can neither hear which partitions change nor poke live sockets.
    public static let channel = NotifyChannel(name: "tidemark_read")

    /// The feed's tables and the trigger function (migration `projections` 2).
    static let migration = Migration(
        component: "projections", version: 2, name: "read change feed",
        statements: [
            """
            CREATE TABLE read_changes (
                transaction_id xid8        NOT NULL DEFAULT pg_current_xact_id(),
                seq            bigint      GENERATED ALWAYS AS IDENTITY,
                tenant_id      uuid        NOT NULL,
                user_id        uuid,
                entity         text        NOT NULL,
                key            text        NOT NULL,
                recorded_at    timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (transaction_id, seq)
            )
            """,
            "CREATE INDEX read_changes_tenant_idx ON read_changes (tenant_id, transaction_id, seq)",
            """
            CREATE TABLE read_change_feed (
                id                    boolean     PRIMARY KEY DEFAULT true CHECK (id),
                epoch                 bigint      NOT NULL DEFAULT 1,
                pruned_transaction_id xid8        NOT NULL DEFAULT '0',
                pruned_seq            bigint      NOT NULL DEFAULT 0,
                updated_at            timestamptz NOT NULL DEFAULT now()
            )
            """,
            "INSERT INTO read_change_feed DEFAULT VALUES",
            // Which transaction last moved each checkpoint: a pull claims that a device's writes are
            // in the state it returns only when that transaction is below its snapshot's xmin.
            "ALTER TABLE projection_checkpoints ADD COLUMN written_by xid8 NOT NULL DEFAULT pg_current_xact_id()",
            """
            CREATE FUNCTION projection_checkpoints_written_by() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                NEW.written_by := pg_current_xact_id();
                RETURN NEW;
            END
            $$
            """,
            """
            CREATE TRIGGER projection_checkpoints_written_by BEFORE UPDATE ON projection_checkpoints
            FOR EACH ROW EXECUTE FUNCTION projection_checkpoints_written_by()
            """,
            """
            CREATE FUNCTION read_feed_row(r jsonb, entity text, user_column text, key1 text, key2 text) RETURNS void
            LANGUAGE plpgsql AS $$
            DECLARE
                tenant uuid := (r->>'tenant_id')::uuid;
                row_key text := CASE WHEN key2 = '' THEN r->>key1 ELSE (r->>key1) || ':' || (r->>key2) END;
                receiver text;
            BEGIN
                IF user_column = '' THEN
                    INSERT INTO public.read_changes (tenant_id, user_id, entity, key) VALUES (tenant, NULL, entity, row_key);
                    PERFORM pg_notify('tidemark_read', tenant::text);
                ELSIF jsonb_typeof(r->user_column) = 'array' THEN
                    FOR receiver IN SELECT jsonb_array_elements_text(r->user_column) LOOP
                        INSERT INTO public.read_changes (tenant_id, user_id, entity, key) VALUES (tenant, receiver::uuid, entity, row_key);
                        PERFORM pg_notify('tidemark_read', tenant::text || ':' || receiver);
                    END LOOP;
                ELSE
                    INSERT INTO public.read_changes (tenant_id, user_id, entity, key) VALUES (tenant, (r->>user_column)::uuid, entity, row_key);
                    PERFORM pg_notify('tidemark_read', tenant::text || ':' || (r->>user_column));
                END IF;
            END
            $$
            """,
            """
            CREATE FUNCTION read_feed() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP <> 'DELETE' THEN
                    PERFORM public.read_feed_row(to_jsonb(NEW), TG_ARGV[0], TG_ARGV[1], TG_ARGV[2], TG_ARGV[3]);
                END IF;
                IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND TG_ARGV[1] <> '' AND to_jsonb(OLD)->TG_ARGV[1] IS DISTINCT FROM to_jsonb(NEW)->TG_ARGV[1]) THEN
                    PERFORM public.read_feed_row(to_jsonb(OLD), TG_ARGV[0], TG_ARGV[1], TG_ARGV[2], TG_ARGV[3]);
                END IF;
                RETURN NULL;
            END
            $$
            """,
        ])

    /// Migration `projections` 4: the feed is indexed by user. A pull reads one user's rows and
    /// the tenant's rows for everyone (`user_id IS NULL`) as two index ranges; the tenant-wide index
    /// it replaces made every pull of a large tenant step over every other user's changes.
    static let userIndex = Migration(
        component: "projections", version: 4, name: "read change feed by user",
        statements: [
            "CREATE INDEX read_changes_user_idx ON read_changes (tenant_id, user_id, transaction_id, seq)",
            "DROP INDEX read_changes_tenant_idx",
        ])

    /// Migration `projections` 3: the triggers signal the private channel of ``channel`` instead
    /// of the fixed name `tidemark_read`, which any role that may connect could hear or signal.
    static let privateChannel = Migration(
        component: "projections", version: 3, name: "private read feed channel",
        statements: [
            """
            INSERT INTO notify_channels (name, channel)
            VALUES ('tidemark_read', 'tidemark_read_' || replace(gen_random_uuid()::text, '-', ''))
            ON CONFLICT (name) DO NOTHING
            """,
            """
            CREATE OR REPLACE FUNCTION read_feed_row(r jsonb, entity text, user_column text, key1 text, key2 text) RETURNS void
            LANGUAGE plpgsql AS $$
            DECLARE
                tenant uuid := (r->>'tenant_id')::uuid;
                row_key text := CASE WHEN key2 = '' THEN r->>key1 ELSE (r->>key1) || ':' || (r->>key2) END;
                receiver text;
                channel text;
            BEGIN
                -- The name is read from the table, never written here: function bodies are public.
                SELECT c.channel INTO channel FROM public.notify_channels AS c WHERE c.name = 'tidemark_read';
                IF user_column = '' THEN
                    INSERT INTO public.read_changes (tenant_id, user_id, entity, key) VALUES (tenant, NULL, entity, row_key);
                    IF channel IS NOT NULL THEN PERFORM pg_notify(channel, tenant::text); END IF;
                ELSIF jsonb_typeof(r->user_column) = 'array' THEN
                    FOR receiver IN SELECT jsonb_array_elements_text(r->user_column) LOOP
                        INSERT INTO public.read_changes (tenant_id, user_id, entity, key) VALUES (tenant, receiver::uuid, entity, row_key);
                        IF channel IS NOT NULL THEN PERFORM pg_notify(channel, tenant::text || ':' || receiver); END IF;
                    END LOOP;
                ELSE
                    INSERT INTO public.read_changes (tenant_id, user_id, entity, key) VALUES (tenant, (r->>user_column)::uuid, entity, row_key);
                    IF channel IS NOT NULL THEN PERFORM pg_notify(channel, tenant::text || ':' || (r->>user_column)); END IF;
                END IF;
            END
            $$
            """,
        ])

    /// The statement that attaches the feed trigger to a live table (unqualified; the caller's
    /// `search_path` is `read`).
    ///
    /// - Parameters:
    ///   - table: The read table.
    ///   - entity: The replicated entity its rows feed (a wire name of the sync protocol).
    ///   - user: The column naming the user who sees the row (a uuid or a uuid array), or `nil`
    ///     when every member of the row's tenant sees it.
    ///   - key: One or two columns whose values, joined by `:`, are the entity's key.
    static func trigger(on table: ReadTable, entity: String, user: String?, key: [String]) -> String {
        precondition((1...2).contains(key.count) && key.allSatisfy(table.columns.contains), "bad feed key for \(table.name)")
        precondition(user.map(table.columns.contains) ?? true && ReadTable.isIdentifier(entity), "bad feed user for \(table.name)")
        let args = [entity, user ?? "", key[0], key.count > 1 ? key[1] : ""].map { "'\($0)'" }.joined(separator: ", ")
        return "CREATE OR REPLACE TRIGGER read_feed AFTER INSERT OR UPDATE OR DELETE ON \(table.name) FOR EACH ROW EXECUTE FUNCTION public.read_feed(\(args))"
    }
}
