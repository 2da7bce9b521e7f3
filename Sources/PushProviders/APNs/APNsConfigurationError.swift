/// Why an ``APNsConfiguration`` or ``APNsProvider`` could not be created.
public enum APNsConfigurationError: Error, Sendable, Equatable {
    /// The key id is not the 10 characters Apple issues.
    case invalidKeyID(String)
    /// The team id is empty.
    case invalidTeamID(String)
    /// The PEM text is not a P-256 private key; the associated text says why.
    case invalidPrivateKey(String)
    /// A trust root is not a PEM certificate; the associated text says why.
    case invalidTrustRoot(String)
}
