import Commands
import Domain
import SyncProtocol

extension MutationPlanner {
    /// The builders of the device-registry mutations.
    static let deviceBuilders: [MutationName: Builder] = [
        .deviceRegister: { planner, input throws(CommandError) in
            let user = try input.user()
            let a = input.arguments
            let id: DeviceID = try a.id("device_id")
            guard let platform: DeviceRegistration.Platform = try a.enumeration("platform"),
                let provider: DeviceRegistration.Provider = try a.enumeration("provider")
            else {
                throw CommandError(
                    .invalid, "\(input.name.rawValue) needs 'platform' (ios, android, web, desktop) and 'provider' (apns, fcm, webpush, webhook)")
            }
            let registration = DeviceRegistration(
                platform: platform, pushToken: try a.string("push_token"), provider: provider, appID: try a.optionalString("app_id"),
                environment: try a.enumeration("environment") ?? .production, appVersion: try a.optionalString("app_version"),
                locale: try a.optionalString("locale")
            )
            try await planner.checkDeviceCap(user: user, device: id)
            return .command(Device.self, id: id, command: .register(id, tenantID: input.tenant, userID: user, registration))
        },
        .deviceUpdateToken: { _, input throws(CommandError) in
            let id: DeviceID = try input.arguments.id("device_id")
            let token = try input.arguments.string("push_token")
            return .command(Device.self, id: id, command: .updateToken(id, pushToken: token))
        },
        .deviceUnregister: { _, input throws(CommandError) in
            let id: DeviceID = try input.arguments.id("device_id")
            return .command(Device.self, id: id, command: .unregister(id))
        },
    ]
}
