import Commands
import Domain
import EventStore
import Foundation

/// The tenant, users and notifications of a load test, created through the command service (not
/// over HTTP, whose registrations are limited per address): one user per two devices, every user
/// with the same password (hashed once, at the command service's cost, so sign-ins cost what they
/// cost in production), and `notificationsPerUser` notifications each, sent to groups of 10 users.
struct LoadPopulation: Sendable {
    /// The tenant's code (`load-<8 hex digits>`, new each run).
    let tenantCode: String
    /// The users, in device order: device `i` signs in as `accounts[i / 2]`.
    let accounts: [LoadAccount]

    /// Users per notification: a notification is one stream, and every receiver's read appends to
    /// it (with 50, reads of one notification collided often enough to give up with `503 contention`).
    static let notificationGroup = 10

    /// Creates `users` users and their notifications in a new tenant.
    static func create(store: EventStore, users: Int, notificationsPerUser: Int, password: String) async throws -> LoadPopulation {
        let service = CommandService(store: store)
        let tenant = TenantID()
        let code = "load-" + UUID().uuidString.lowercased().prefix(8)
        let system = CommandEnvelope(principal: .system(tenantID: tenant))
        try await service.createTenant(tenant, name: "Load test", code: code, envelope: system)
        let hash = try PasswordHashing.hash(password, cost: service.passwordCost)
        let ids = (0..<users).map { _ in UserID(rawValue: UUID()) }
        let names = (0..<users).map { "load\($0)" }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in ids.indices {
                if index >= 8 { try await group.next() }
                let (id, name) = (ids[index], names[index])
                group.addTask {
                    try await service.registerUser(
                        id, tenantID: tenant, username: name, email: "\(name)@\(code).example", phone: nil, passwordHash: hash, envelope: system)
                }
            }
            try await group.waitForAll()
        }
        var notifications = [[String]](repeating: [], count: users)
        for start in stride(from: 0, to: users, by: notificationGroup) {
            let members = Array(start..<min(users, start + notificationGroup))
            for number in 0..<notificationsPerUser {
                let id = NotificationID(rawValue: UUID())
                try await service.sendNotification(
                    id, tenantID: tenant, receivers: members.map { ids[$0] }, type: "load", title: "Load test \(number + 1)",
                    content: "A notification to read.", envelope: system)
                for member in members { notifications[member].append(id.rawValue.uuidString.lowercased()) }
            }
        }
        return LoadPopulation(
            tenantCode: code, accounts: zip(names, notifications).map { LoadAccount(username: $0, notifications: $1) })
    }
}
