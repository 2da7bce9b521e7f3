/// What the client's sync loop is doing, as an app shows it.
public enum SyncState: Sendable, Equatable, CustomStringConvertible {
    /// No session yet, or after `logout()`: local writes queue up, nothing syncs.
    case signedOut
    /// Signed in and not syncing right now.
    case idle
    /// A `sync()` is running.
    case syncing
    /// The last sync failed with a transient error (network, server); it is retried later.
    case offline(SyncClientError)
    /// The session was revoked or its refresh refused. Pending mutations are kept; nothing is
    /// sent until `login` succeeds again.
    case reauthRequired
    /// The server no longer supports this client's protocol version. Data is kept; syncing stops.
    case upgradeRequired

    /// The state's stable name: `signed_out`, `idle`, `syncing`, `offline`, `reauth_required`,
    /// `upgrade_required`.
    public var name: String {
        switch self {
        case .signedOut: "signed_out"
        case .idle: "idle"
        case .syncing: "syncing"
        case .offline: "offline"
        case .reauthRequired: "reauth_required"
        case .upgradeRequired: "upgrade_required"
        }
    }

    /// The name, with the last error when offline.
    public var description: String {
        if case .offline(let error) = self { return "offline (\(error))" }
        return name
    }

    /// Whether syncing is stopped until the user acts (signs in again or upgrades the app).
    public var blocksSync: Bool {
        switch self {
        case .signedOut, .reauthRequired, .upgradeRequired: true
        case .idle, .syncing, .offline: false
        }
    }
}
