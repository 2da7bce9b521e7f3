import EventStore

/// Facts about the projections module.
///
/// The projection runner and the read models arrive with the projections issue.
public enum ProjectionsInfo {
    /// The PostgreSQL schema that holds the read models.
    public static let readSchema = "read"
}
