import Basics
import Commands
import Crypto
import Domain
import Foundation
import NIOCore
import SyncProtocol

extension AuthService {
    /// The token response of a session.
    func tokens(user: UserState, sessionID: String, deviceID: DeviceID, refresh: String) -> TokenResponse {
        let now = Int64(commands.now().timeIntervalSince1970)
        let claims = AccessClaims(
            subject: user.id.description, tenant: user.tenantID.description, session: sessionID, device: deviceID.description,
            roles: user.roles.map(\.rawValue).sorted(), issuedAt: now, expiresAt: now + Int64(options.accessTokenSeconds)
        )
        return TokenResponse(
            accessToken: signer.sign(claims), expiresIn: options.accessTokenSeconds, refreshToken: refresh,
            sessionID: sessionID, userID: user.id.description, tenantID: user.tenantID.description, deviceID: deviceID.description
        )
    }

    /// A new random refresh token: `rt_` and 32 random bytes in base64url.
    static func newRefreshToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return "rt_" + Base64URL.encode(Data(bytes))
    }

    /// The SHA-256 of a refresh token, as stored.
    static func hash(_ token: String) -> ByteBuffer {
        ByteBuffer(bytes: SHA256.hash(data: Data(token.utf8)))
    }
}
