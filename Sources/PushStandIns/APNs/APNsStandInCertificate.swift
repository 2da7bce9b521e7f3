import Crypto
import Foundation
import SwiftASN1
import X509

/// TLS credentials for a stand-in, made when it is created: a throw-away certificate authority
/// and a server certificate it issued for `localhost` and `127.0.0.1`.
struct APNsStandInCertificate: Sendable {
    /// The authority's certificate, PEM encoded: what clients add to their trust roots.
    var authorityPEM: String
    /// The server certificate, DER encoded.
    var serverDER: [UInt8]
    /// The server certificate's P-256 private key, PEM (PKCS#8) encoded.
    var serverKeyPEM: String

    /// Makes new keys and certificates valid from an hour ago for a year.
    init() throws {
        let now = Date()
        let notBefore = now.addingTimeInterval(-3600)
        let notAfter = now.addingTimeInterval(365 * 24 * 3600)

        let authorityKey = P256.Signing.PrivateKey()
        let authorityName = try DistinguishedName {
            CommonName("Tidemark APNs stand-in CA")
        }
        let authority = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(authorityKey.publicKey),
            notValidBefore: notBefore,
            notValidAfter: notAfter,
            issuer: authorityName,
            subject: authorityName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: Certificate.PrivateKey(authorityKey)
        )

        let serverKey = P256.Signing.PrivateKey()
        let serverName = try DistinguishedName {
            CommonName("localhost")
        }
        let server = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(serverKey.publicKey),
            notValidBefore: notBefore,
            notValidAfter: notAfter,
            issuer: authorityName,
            subject: serverName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames([
                    .dnsName("localhost"),
                    .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])),
                ])
            },
            issuerPrivateKey: Certificate.PrivateKey(authorityKey)
        )

        var serializer = DER.Serializer()
        try serializer.serialize(server)
        self.serverDER = serializer.serializedBytes
        self.authorityPEM = try authority.serializeAsPEM().pemString
        self.serverKeyPEM = serverKey.pemRepresentation
    }
}
