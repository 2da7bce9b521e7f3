import Crypto
import Foundation
import SwiftASN1
import X509

/// A self-signed TLS certificate for `localhost` and `127.0.0.1`, made when a stand-in is created.
struct APNsStandInCertificate: Sendable {
    /// The certificate, PEM encoded (what clients add to their trust roots).
    var certificatePEM: String
    /// The certificate, DER encoded.
    var certificateDER: [UInt8]
    /// The certificate's P-256 private key, PEM (PKCS#8) encoded.
    var privateKeyPEM: String

    /// Makes a new key and a certificate valid from an hour ago for a year.
    init() throws {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            CommonName("Tidemark APNs stand-in")
        }
        let now = Date()
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: now.addingTimeInterval(-3600),
            notValidAfter: now.addingTimeInterval(365 * 24 * 3600),
            issuer: name,
            subject: name,
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
            issuerPrivateKey: Certificate.PrivateKey(key)
        )
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        self.certificateDER = serializer.serializedBytes
        self.certificatePEM = try certificate.serializeAsPEM().pemString
        self.privateKeyPEM = key.pemRepresentation
    }
}
