import SyncProtocol

extension LocalEffects {
    /// The members `device.register` copies into the row.
    static let deviceMembers = ["platform", "provider", "environment", "push_token", "app_id", "app_version", "locale"]

    /// The effect of a device mutation on its `devices` row.
    static func device(
        _ name: MutationName, _ arguments: Members, at: String, context: EffectContext, _ row: Members?
    ) -> Members? {
        switch name {
        case .deviceRegister:
            var device =
                row ?? [
                    "device_id": arguments["device_id"] ?? .null,
                    "user_id": string(context.userID),
                    "registered_at": .string(at),
                ]
            for member in deviceMembers {
                device[member] = arguments[member] ?? device[member] ?? .null
            }
            device["status"] = .string("active")
            return device
        case .deviceUpdateToken:
            guard var row else { return nil }
            row["push_token"] = arguments["push_token"] ?? row["push_token"]
            return row
        case .deviceUnregister:
            guard var row else { return nil }
            row["status"] = .string("unregistered")
            return row
        default:
            return row
        }
    }
}
