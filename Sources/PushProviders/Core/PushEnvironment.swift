/// The provider environment a device token belongs to.
public enum PushEnvironment: String, Sendable, Hashable, Codable, CaseIterable {
    /// Development builds (APNs `api.sandbox.push.apple.com`).
    case sandbox
    /// Store builds (APNs `api.push.apple.com`).
    case production
}
