import Foundation
import PushProviders
import PushStandIns
import Testing
import _CryptoExtras

@Suite("FCM service account")
struct FCMServiceAccountTests {
    @Test("parses a generated key file and reports missing fields")
    func parsing() async throws {
        let standIn = FCMStandIn()
        let json = try standIn.makeServiceAccountJSON(projectID: "demo-project")
        let account = try FCMServiceAccount(json: json)
        #expect(account.projectID == "demo-project")
        #expect(account.clientEmail.hasSuffix("@demo-project.iam.gserviceaccount.com"))
        #expect(account.privateKey.keySizeInBits == 2048)
        #expect(json.contains("BEGIN PRIVATE KEY"))

        var object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String])
        object["client_email"] = nil
        let missing = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        expectPushProviderError(.serviceAccountMissingField, "service account file lacks \"client_email\"") { try FCMServiceAccount(json: missing) }
        object["client_email"] = "x@y"
        object["type"] = "authorized_user"
        let wrongType = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        expectPushProviderError(.serviceAccountWrongType, "service account file has type \"authorized_user\", expected \"service_account\"") {
            try FCMServiceAccount(json: wrongType)
        }
        object["type"] = "service_account"
        object["private_key"] = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
        let badKey = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        #expect(throws: PushProviderError.self) { try FCMServiceAccount(json: badKey) }
        expectPushProviderError(.serviceAccountNotJSON) { try FCMServiceAccount(json: "nope") }
    }
}
