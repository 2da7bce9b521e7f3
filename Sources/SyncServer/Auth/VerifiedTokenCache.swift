import Foundation
import Synchronization

/// Access tokens this instance has verified, with their claims, so that a device's next requests
/// with the same token skip the signature check and the JSON decoding (a few percent of the
/// server's CPU under load).
///
/// Only tokens whose signature was valid are stored, keyed by the whole token text, so a forged or
/// altered token never matches an entry; the expiry is checked on every use. When full, entries are
/// dropped (expired ones first).
final class VerifiedTokenCache: Sendable {
    private let entries = Mutex<[String: AccessClaims]>([:])
    /// The most tokens kept.
    let capacity: Int

    init(capacity: Int = 50_000) {
        self.capacity = capacity
    }

    /// The claims of `token` if it was verified here before and has not expired at `now`.
    func claims(of token: String, now: Date) -> AccessClaims? {
        entries.withLock { entries in
            guard let claims = entries[token] else { return nil }
            guard Double(claims.expiresAt) > now.timeIntervalSince1970 else {
                entries[token] = nil
                return nil
            }
            return claims
        }
    }

    /// Remembers that `token` carries `claims` (its signature was checked).
    func remember(_ token: String, claims: AccessClaims, now: Date) {
        entries.withLock { entries in
            if entries.count >= capacity {
                let cutoff = now.timeIntervalSince1970
                entries = entries.filter { Double($0.value.expiresAt) > cutoff }
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[token] = claims
        }
    }
}
