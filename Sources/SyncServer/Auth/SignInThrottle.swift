/// The sign-in limits of one attempt, claimed before the password is checked.
///
/// - Per name and client address: ``AuthOptions/maxFailures`` failures in
///   ``AuthOptions/failureWindowSeconds``. A stranger guessing from one address locks only
///   themselves out; the real user, from another address, still signs in.
/// - Per name, across addresses: ``AuthOptions/maxFailuresPerName`` in
///   ``AuthOptions/nameFailureWindowSeconds``, against guessing from many addresses. It is not
///   applied to a device the user has signed in on before, so the real user's own device gets in
///   even then; other devices wait until the window ends (`Retry-After`).
///
/// A right password gives the attempt back: the name-and-address counter is cleared, the name's
/// counter loses this attempt.
struct SignInThrottle: Sendable {
    let attempts: AttemptLimiter
    let options: AuthOptions
    /// `tenant_code/username`, lower-cased.
    let name: String
    let address: ClientAddress
    private var claimedName = false

    init(attempts: AttemptLimiter, options: AuthOptions, name: String, address: ClientAddress) {
        self.attempts = attempts
        self.options = options
        self.name = name
        self.address = address
    }

    /// The subject of the name-and-address counter.
    var addressSubject: String { "\(name)|\(address.value)" }

    /// Claims the attempt for the name and client address.
    /// - Throws: ``AuthError`` `rate_limited` or `unavailable`.
    func claimForAddress() async throws(AuthError) {
        try await attempts.claim(options.signInAddressRule, addressSubject)
    }

    /// Claims the attempt for the name, unless the device is one the user signed in on before; a
    /// refusal gives the address claim back (the attempt never reached the password check).
    /// - Throws: ``AuthError`` `rate_limited` or `unavailable`.
    mutating func claimForName(unlessKnownDevice knownDevice: Bool) async throws(AuthError) {
        guard !knownDevice else { return }
        do throws(AuthError) {
            try await attempts.claim(options.signInNameRule, name)
        } catch  where error.code == .rateLimited {
            try await attempts.refund(options.signInAddressRule, addressSubject)
            throw error
        }
        claimedName = true
    }

    /// The password was never checked (the password threads were full, or the server is
    /// stopping): the attempt counts for nothing, so a busy server never locks a user out. Both
    /// claims are given back; a database failure while giving them back is ignored (the caller
    /// is already answering `503`).
    func passwordNotChecked() async {
        try? await attempts.refund(options.signInAddressRule, addressSubject)
        if claimedName { try? await attempts.refund(options.signInNameRule, name) }
    }

    /// The password was right: this attempt was no failure.
    /// - Throws: ``AuthError`` `unavailable`.
    func passwordMatched() async throws(AuthError) {
        try await attempts.clear(options.signInAddressRule, addressSubject)
        if claimedName { try await attempts.refund(options.signInNameRule, name) }
    }
}
