import Commands
import CoreMetrics
import Hummingbird
import SyncProtocol

/// Sync push and pull metrics, made from an explicit factory (no global bootstrap):
/// - `tidemark_sync_push_requests_total{outcome}`: pushes by `outcome`: `ok` (answered, whatever
///   each mutation's result), `refused` (a `4xx`: a malformed or oversized batch) or `failed`
///   (a `5xx`: the database failed or was busy; the answered prefix is stored);
/// - `tidemark_sync_push_mutations_total{status}`: the results of answered pushes, `applied` or
///   `rejected` (a stored answer given again to a retry counts again);
/// - `tidemark_sync_pull_pages_total{source}`: pages answered, by where they were read (`primary`, `standby`);
/// - `tidemark_sync_pull_rows_total{kind}`: the changes in them, `upsert` or `tombstone`.
public struct SyncMetrics: Sendable {
    private let pushes: [String: Counter]
    private let mutations: [MutationResult.Status: Counter]
    private let primaryPages: Counter
    private let standbyPages: Counter
    private let upserts: Counter
    private let tombstones: Counter

    /// Creates metrics recorded through `factory` (by default, nowhere).
    public init(factory: any MetricsFactory = NOOPMetricsHandler.instance) {
        var pushes: [String: Counter] = [:]
        for outcome in ["ok", "refused", "failed"] {
            pushes[outcome] = Counter(label: "tidemark_sync_push_requests_total", dimensions: [("outcome", outcome)], factory: factory)
        }
        self.pushes = pushes
        var mutations: [MutationResult.Status: Counter] = [:]
        for status in [MutationResult.Status.applied, .rejected] {
            mutations[status] = Counter(label: "tidemark_sync_push_mutations_total", dimensions: [("status", status.rawValue)], factory: factory)
        }
        self.mutations = mutations
        self.primaryPages = Counter(label: "tidemark_sync_pull_pages_total", dimensions: [("source", ReadSource.primary.rawValue)], factory: factory)
        self.standbyPages = Counter(label: "tidemark_sync_pull_pages_total", dimensions: [("source", ReadSource.standby.rawValue)], factory: factory)
        self.upserts = Counter(label: "tidemark_sync_pull_rows_total", dimensions: [("kind", "upsert")], factory: factory)
        self.tombstones = Counter(label: "tidemark_sync_pull_rows_total", dimensions: [("kind", "tombstone")], factory: factory)
    }

    /// Counts an answered push.
    func pushed(_ response: SyncPushResponse) {
        pushes["ok"]?.increment()
        for result in response.results { mutations[result.status]?.increment() }
    }

    /// Counts a push that ended with `error`.
    func pushFailed(_ error: any Error) {
        pushes[Self.isClientError(error) ? "refused" : "failed"]?.increment()
    }

    /// Counts an answered pull page.
    func pulled(_ page: PullPage) {
        (page.source == .standby ? standbyPages : primaryPages).increment()
        let tombstones = page.changes.count { $0.row == nil }
        if tombstones > 0 { self.tombstones.increment(by: tombstones) }
        if page.changes.count > tombstones { upserts.increment(by: page.changes.count - tombstones) }
    }

    /// Whether `error` is answered with a `4xx`.
    static func isClientError(_ error: any Error) -> Bool {
        switch error {
        case let error as CommandError: Problem(error).status.code < 500
        case let error as any HTTPResponseError: error.status.code < 500
        default: false
        }
    }
}
