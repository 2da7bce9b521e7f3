import ArgumentParser
import Logging
import Outbox
import PostgresNIO
import Projections

/// The projections this build knows (``ReadModels/all`` and the push outbox), name checks and the set-up preflight.
enum KnownProjections {
    /// Every projection, in the order the runner starts them.
    static var all: [any Projection] { ReadModels.all + [PushOutboxProjection()] }

    /// Their names.
    static var names: [String] { all.map(\.name) }

    /// Throws a usage error (exit code 64) naming the known projections when `name` is not one of them.
    static func validate(_ name: String) throws {
        guard names.contains(name) else {
            throw ValidationError("no projection is called '\(name)'; known: \(names.joined(separator: ", "))")
        }
    }

    /// The projection called `name`, after ``validate(_:)``.
    static func named(_ name: String) throws -> any Projection {
        try validate(name)
        guard let projection = all.first(where: { $0.name == name }) else {
            throw ValidationError("no projection is called '\(name)'")
        }
        return projection
    }

    /// Fails with a hint to run `synccli migrate` when the projections' bookkeeping tables are missing.
    ///
    /// The read-only verbs (`list`, `status`, `retry`, `skip`, `reset`, `analysts create-role`) never
    /// migrate, so an unmigrated database gets one clear line instead of a PostgreSQL error.
    static func requireSetUp(client: PostgresClient, logger: Logger) async throws {
        let rows = try await client.query(
            "SELECT to_regclass('public.projection_checkpoints') IS NOT NULL AND to_regclass('public.analyst_roles') IS NOT NULL",
            logger: logger
        )
        for try await ready in rows.decode(Bool.self) where ready { return }
        throw ProjectionError(.invalidState, "this database has no projection tables yet; run `synccli migrate` (or `synccli projections run`) first")
    }
}
