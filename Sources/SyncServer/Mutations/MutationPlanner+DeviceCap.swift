import Commands
import Domain
import EventStore
import PostgresNIO

extension MutationPlanner {
    /// Refuses a new device when the user already has `maxDevicesPerUser` other active devices.
    ///
    /// Counted in the device registry, which trails the log by the projection's lag: registrations
    /// racing each other can overshoot the cap by the few in flight.
    func checkDeviceCap(user: UserID, device: DeviceID) async throws(CommandError) {
        let count: Int64
        do {
            let rows = try await commands.store.client.query(
                """
                SELECT count(*)::int8 FROM read.devices
                WHERE user_id = \(user.description)::uuid AND status = 'active' AND device_id <> \(device.description)::uuid
                """, logger: commands.store.logger)
            var found: Int64 = 0
            for try await value in rows.decode(Int64.self) { found = value }
            count = found
        } catch {
            throw CommandError(.unavailable, "the device registry could not be read; retry")
        }
        if count >= Int64(maxDevicesPerUser) {
            throw CommandError(.limitExceeded, "a user may register at most \(maxDevicesPerUser) devices; unregister one first")
        }
    }

}
