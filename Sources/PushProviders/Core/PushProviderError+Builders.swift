extension PushProviderError {
    /// An `invalid_key_material` error: a key, salt or auth secret unfit for RFC 8291.
    static func badKeyMaterial(_ detail: String) -> PushProviderError {
        PushProviderError(.invalidKeyMaterial, "bad key material: \(detail)")
    }

    /// A `malformed_body` error: not a well-formed `aes128gcm` single-record message.
    static func malformedBody(_ detail: String) -> PushProviderError {
        PushProviderError(.malformedBody, "malformed aes128gcm body: \(detail)")
    }

    /// A `malformed_subscription` error (the message starts with `BadSubscription`, as outcomes show it).
    static func malformed(_ detail: String) -> PushProviderError {
        PushProviderError(.malformedSubscription, "BadSubscription: malformed subscription JSON: \(detail)")
    }

    /// An `invalid_endpoint` error.
    static func badEndpoint(_ detail: String) -> PushProviderError {
        PushProviderError(.invalidEndpoint, "BadSubscription: bad endpoint: \(detail)")
    }

    /// An `invalid_public_key` error.
    static func badPublicKey(_ detail: String) -> PushProviderError {
        PushProviderError(.invalidPublicKey, "BadSubscription: bad keys.p256dh: \(detail)")
    }

    /// An `invalid_auth_secret` error.
    static func badAuthSecret(_ detail: String) -> PushProviderError {
        PushProviderError(.invalidAuthSecret, "BadSubscription: bad keys.auth: \(detail)")
    }
}
