/// A user the load test created, shared by up to two simulated devices.
struct LoadAccount: Sendable {
    /// The username to sign in with.
    let username: String
    /// The notifications sent to this user, as lowercase UUID strings: what `notification.read`
    /// marks.
    let notifications: [String]
}
