import ArgumentParser
import Foundation
import NIOSSL
import PushProviders

/// Builds the push providers `synccli serve` runs from environment variables (see docs/push.md).
///
/// A provider is configured when its variables are set; setting only some of them is an error
/// that names the missing ones, so a typo never silently disables a channel.
struct PushProviderEnvironment {
    /// The environment.
    let values: [String: String]

    /// Every configured provider. When one group is wrong, the providers already made are shut
    /// down before the error is thrown (an HTTP client released open traps in debug builds).
    func providers() async throws -> [any PushProvider] {
        var result: [any PushProvider] = []
        do {
            if let apns = try apns() { result.append(apns) }
            if let fcm = try fcm() { result.append(fcm) }
            if let webPush = try webPush() { result.append(webPush) }
            if let webhook = try webhook() { result.append(webhook) }
        } catch {
            for provider in result { try? await provider.shutdown() }
            throw error
        }
        return result
    }

    /// The value of `name`, trimmed; `nil` when unset or blank.
    private func value(_ name: String) -> String? {
        guard let raw = values[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !raw.isEmpty else { return nil }
        return raw
    }

    /// Requires all of `names` when any is set; returns their values, or `nil` when none is set.
    private func group(_ provider: String, required names: [String]) throws -> [String]? {
        let present = names.filter { value($0) != nil }
        if present.isEmpty { return nil }
        let missing = names.filter { value($0) == nil }
        guard missing.isEmpty else {
            throw ValidationError("\(provider) is half configured: set \(missing.joined(separator: ", ")) too (or unset \(present.joined(separator: ", ")))")
        }
        return names.compactMap { value($0) }
    }

    private func file(_ variable: String, _ path: String) throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ValidationError("\(variable)=\(path) cannot be read: \(error.localizedDescription)")
        }
    }

    private func trustRoots(_ variable: String) throws -> [NIOSSLCertificate]? {
        guard let path = value(variable) else { return nil }
        do {
            return try NIOSSLCertificate.fromPEMBytes(Array(try file(variable, path).utf8))
        } catch let error as ValidationError {
            throw error
        } catch {
            throw ValidationError("\(variable)=\(path) holds no PEM certificate: \(error)")
        }
    }

    private func apns() throws -> APNsProvider? {
        guard let parts = try group("APNs", required: ["TIDEMARK_APNS_KEY_FILE", "TIDEMARK_APNS_KEY_ID", "TIDEMARK_APNS_TEAM_ID", "TIDEMARK_APNS_TOPIC"]) else {
            return nil
        }
        let pem = try file("TIDEMARK_APNS_KEY_FILE", parts[0])
        let roots = try value("TIDEMARK_APNS_CA_FILE").map { [try file("TIDEMARK_APNS_CA_FILE", $0)] }
        do {
            let configuration = try APNsConfiguration(
                keyID: parts[1], teamID: parts[2], privateKeyPEM: pem, defaultTopic: parts[3],
                productionURL: value("TIDEMARK_APNS_URL") ?? APNsConfiguration.appleProductionURL,
                sandboxURL: value("TIDEMARK_APNS_SANDBOX_URL") ?? value("TIDEMARK_APNS_URL") ?? APNsConfiguration.appleSandboxURL,
                trustRootsPEM: roots)
            return try APNsProvider(configuration: configuration)
        } catch {
            throw ValidationError("APNs configuration: \(error)")
        }
    }

    private func fcm() throws -> FCMProvider? {
        guard let parts = try group("FCM", required: ["TIDEMARK_FCM_SERVICE_ACCOUNT_FILE"]) else { return nil }
        let json = try file("TIDEMARK_FCM_SERVICE_ACCOUNT_FILE", parts[0])
        let base = try value("TIDEMARK_FCM_URL").map { text in
            guard let url = URL(string: text), url.scheme != nil else { throw ValidationError("TIDEMARK_FCM_URL must be an absolute URL") }
            return url
        }
        do {
            return FCMProvider(
                configuration: try FCMConfiguration(
                    serviceAccountJSON: json, endpointBase: base, trustRoots: try trustRoots("TIDEMARK_FCM_CA_FILE")))
        } catch let error as ValidationError {
            throw error
        } catch {
            throw ValidationError("FCM configuration: \(error)")
        }
    }

    private func webPush() throws -> WebPushProvider? {
        guard let parts = try group("Web Push", required: ["TIDEMARK_VAPID_PRIVATE_KEY", "TIDEMARK_VAPID_SUBJECT"]) else { return nil }
        do {
            return WebPushProvider(
                configuration: try WebPushConfiguration(
                    vapidPrivateKey: parts[0], subject: parts[1], trustRoots: try trustRoots("TIDEMARK_WEBPUSH_CA_FILE"),
                    allowsPlainHTTPEndpoints: value("TIDEMARK_WEBPUSH_ALLOW_HTTP") == "1"))
        } catch let error as ValidationError {
            throw error
        } catch {
            throw ValidationError("Web Push configuration: \(error)")
        }
    }

    private func webhook() throws -> WebhookProvider? {
        guard let parts = try group("the webhook", required: ["TIDEMARK_WEBHOOK_URL", "TIDEMARK_WEBHOOK_SECRET"]) else { return nil }
        guard parts[1].utf8.count >= 16 else { throw ValidationError("TIDEMARK_WEBHOOK_SECRET must be at least 16 bytes") }
        guard let configuration = WebhookConfiguration(urlString: parts[0], secret: parts[1], trustRoots: try trustRoots("TIDEMARK_WEBHOOK_CA_FILE")) else {
            throw ValidationError("TIDEMARK_WEBHOOK_URL must be an absolute http(s) URL")
        }
        return WebhookProvider(configuration: configuration)
    }
}
