/// Where a pull page was read: the primary, or the standby named by `--read-database-url`.
///
/// Each pull answer names it in the response header `X-Tidemark-Read-Source` (see
/// ``ReadSource/headerName``) and in `tidemark_sync_pull_pages_total{source}`.
public enum ReadSource: String, Sendable, Hashable, CaseIterable {
    /// The database every write goes to (`--database-url`).
    case primary
    /// The read-only database of `--read-database-url` (a hot standby of the primary, or the
    /// primary itself through another pool).
    case standby

    /// The response header of `GET /v1/sync/pull` that names the source of the page.
    public static let headerName = "X-Tidemark-Read-Source"
}
