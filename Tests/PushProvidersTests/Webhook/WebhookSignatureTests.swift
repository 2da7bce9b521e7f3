import Foundation
import PushProviders
import Testing

@Suite("Webhook signature")
struct WebhookSignatureTests {
    @Test("a signature verifies; tampering, wrong secrets, stale timestamps and junk are detected")
    func verification() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let body = Data(#"{"id":"1","title":"hi"}"#.utf8)
        let header = WebhookSignature.sign(body: body, secret: "s3cret", at: now)
        #expect(header.hasPrefix("t=1800000000,v1="))
        #expect(header.count == "t=1800000000,v1=".count + 64)
        try WebhookSignature.verify(header: header, body: body, secret: "s3cret", now: now.addingTimeInterval(100))

        var tampered = body
        tampered[tampered.count - 3] = UInt8(ascii: "o")
        expectPushProviderError(.signatureMismatch) {
            try WebhookSignature.verify(header: header, body: tampered, secret: "s3cret", now: now)
        }
        expectPushProviderError(.signatureMismatch) {
            try WebhookSignature.verify(header: header, body: body, secret: "other", now: now)
        }
        let forgedTime = header.replacingOccurrences(of: "t=1800000000", with: "t=1800000001")
        expectPushProviderError(.signatureMismatch) {
            try WebhookSignature.verify(header: forgedTime, body: body, secret: "s3cret", now: now)
        }
        expectPushProviderError(.signatureOutsideTolerance) {
            try WebhookSignature.verify(header: header, body: body, secret: "s3cret", now: now.addingTimeInterval(301))
        }
        expectPushProviderError(.signatureMalformed) {
            try WebhookSignature.verify(header: "v1=abc", body: body, secret: "s3cret", now: now)
        }
        expectPushProviderError(.signatureMalformed) {
            try WebhookSignature.verify(header: nil, body: body, secret: "s3cret", now: now)
        }
        // A rotated secret: any matching v1 value is enough.
        let digest = WebhookSignature.digest(body: body, secret: "s3cret", timestamp: 1_800_000_000)
        try WebhookSignature.verify(header: "t=1800000000,v1=\(String(repeating: "0", count: 64)),v1=\(digest)", body: body, secret: "s3cret", now: now)
    }

    @Test("the digest is lower-case hex HMAC-SHA256 over \"<t>.<body>\"")
    func knownDigest() {
        // Independently computed: HMAC-SHA256(key "k", "1.x").
        let expected = "976cb87e4f568d1c0f03f32859e90af8597cf00b978ba37c229c97d3a15b8449"
        #expect(WebhookSignature.digest(body: Data("x".utf8), secret: "k", timestamp: 1) == expected)
        #expect(WebhookSignature.sign(body: Data("x".utf8), secret: "k", at: Date(timeIntervalSince1970: 1.9)) == "t=1,v1=\(expected)")
    }
}
