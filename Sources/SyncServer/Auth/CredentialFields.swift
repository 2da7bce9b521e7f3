import SyncProtocol

/// Checks the text fields of sign-up and sign-in before any of them reaches the database.
///
/// JSON may carry U+0000, which PostgreSQL's `text` cannot hold: such a field is refused as
/// `400 invalid` naming it, instead of failing inside a query.
enum CredentialFields {
    /// Refuses a login whose fields cannot be stored.
    static func check(_ request: LoginRequest) throws(AuthError) {
        try storable(request.tenantCode, "tenant_code")
        try storable(request.username, "username")
        try storable(request.password, "password")
        try storable(request.deviceID, "device_id")
        try storable(request.deviceName, "device_name")
    }

    /// Refuses a registration whose fields cannot be stored.
    static func check(_ request: RegisterRequest) throws(AuthError) {
        try storable(request.tenantCode, "tenant_code")
        try storable(request.username, "username")
        try storable(request.email, "email")
        try storable(request.password, "password")
        try storable(request.phone, "phone")
    }

    private static func storable(_ value: String?, _ field: String) throws(AuthError) {
        guard let value, value.utf8.contains(0) else { return }
        throw AuthError(.invalid, "\(field) must not contain the character U+0000")
    }
}
