/// Why a push provider, its configuration or one of its building blocks (keys, subscriptions,
/// encryption, webhook signatures) refused to work, with a stable ``Code`` to branch on.
///
/// A provider's ``PushProvider/send(_:)`` never throws: it turns these errors into a
/// ``PushOutcome`` whose reason is the ``message``.
public struct PushProviderError: Error, Sendable, CustomStringConvertible {
    /// A stable, machine-readable error code. Only this module makes codes; new ones may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's name, for example `invalid_key_id`.
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }
        /// The code's name.
        public var description: String { rawValue }

        /// The APNs key id is not the 10 characters Apple issues.
        public static let invalidKeyID = Code("invalid_key_id")
        /// The APNs team id is empty.
        public static let invalidTeamID = Code("invalid_team_id")
        /// A private key (the APNs `.p8` key, the VAPID key, the service account's `private_key`)
        /// is not a key of the kind required.
        public static let invalidPrivateKey = Code("invalid_private_key")
        /// A trust root is not a PEM certificate.
        public static let invalidTrustRoot = Code("invalid_trust_root")
        /// A service-account key file is not a JSON object.
        public static let serviceAccountNotJSON = Code("service_account_not_json")
        /// A service-account key file lacks a required field (or it is not a non-empty string).
        public static let serviceAccountMissingField = Code("service_account_missing_field")
        /// A service-account key file's `type` is not `service_account`.
        public static let serviceAccountWrongType = Code("service_account_wrong_type")
        /// A service-account key file's `token_uri` is not an absolute URL.
        public static let invalidTokenURI = Code("invalid_token_uri")
        /// The OAuth2 token endpoint refused the service account's assertion (the key was revoked
        /// or the account is wrong): the channel's credentials are rejected.
        public static let tokenRejected = Code("token_rejected")
        /// The OAuth2 token endpoint could not be reached, timed out or answered 429/5xx: try
        /// again, not before ``PushProviderError/retryAfter`` when it is set.
        public static let tokenUnavailable = Code("token_unavailable")
        /// An assertion or token could not be signed with the configured key.
        public static let signingFailed = Code("signing_failed")
        /// The VAPID subject is not a `mailto:` or `https:` URI.
        public static let invalidSubject = Code("invalid_subject")
        /// A Web Push plaintext does not fit into one 4096-byte record.
        public static let plaintextTooLarge = Code("plaintext_too_large")
        /// A key, salt or auth secret has the wrong size or is not a valid P-256 point.
        public static let invalidKeyMaterial = Code("invalid_key_material")
        /// A body is not a well-formed `aes128gcm` single-record message.
        public static let malformedBody = Code("malformed_body")
        /// The AEAD tag did not verify (wrong keys or a tampered body).
        public static let authenticationFailed = Code("authentication_failed")
        /// A decrypted record has no valid last-record padding delimiter (`0x02`).
        public static let invalidPadding = Code("invalid_padding")
        /// A Web Push device token is not subscription JSON of the expected shape (a field is
        /// missing or not a string): most likely not from a browser at all.
        public static let malformedSubscription = Code("malformed_subscription")
        /// A subscription's `endpoint` is not an absolute `https` URL (`http` only when allowed).
        public static let invalidEndpoint = Code("invalid_endpoint")
        /// A subscription's `keys.p256dh` is not base64url of a 65-byte uncompressed P-256 point.
        public static let invalidPublicKey = Code("invalid_public_key")
        /// A subscription's `keys.auth` is not base64url of 16 bytes.
        public static let invalidAuthSecret = Code("invalid_auth_secret")
        /// A `Tidemark-Signature` header is missing or lacks `t=` or `v1=`.
        public static let signatureMalformed = Code("signature_malformed")
        /// A `Tidemark-Signature` timestamp is further from now than the tolerance.
        public static let signatureOutsideTolerance = Code("signature_outside_tolerance")
        /// No `v1` value of a `Tidemark-Signature` matches the body and secret.
        public static let signatureMismatch = Code("signature_mismatch")
    }

    /// The stable error code.
    public let code: Code
    /// A sentence for a person (and the reason of the outcome the error becomes).
    public let message: String
    /// How long to wait before trying again, when the service said so (``Code/tokenUnavailable``).
    public var retryAfter: Duration?
    /// The original error, for logs only.
    public var underlying: (any Error & Sendable)?

    /// Creates an error.
    init(_ code: Code, _ message: String, retryAfter: Duration? = nil, underlying: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
        self.underlying = underlying
    }

    /// `code: message`.
    public var description: String { "\(code): \(message)" }
}
