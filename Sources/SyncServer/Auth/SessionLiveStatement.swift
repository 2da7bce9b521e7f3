import EventStore
import Foundation
import PostgresNIO

/// When a session was revoked (`NULL` while live; no row when there is no such session), prepared
/// once per connection: authenticated requests run it whenever the instance's short-lived
/// ``SessionCache`` does not vouch for the session.
struct SessionLiveStatement: BoundStatement {
    static let name = "tidemark_auth_session_live"
    static let sql = "SELECT revoked_at FROM auth_sessions WHERE session_id = $1::uuid"

    let bindings: PostgresBindings

    init(session: UUID) {
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(session)
        self.bindings = bindings
    }
}
