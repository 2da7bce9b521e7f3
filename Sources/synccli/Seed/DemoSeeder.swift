import Commands
import Domain
import Foundation
import SyncServer

/// Builds a realistic, deterministic data set through the command service (never by writing rows).
struct DemoSeeder {
    struct Plan {
        var tenants: Int
        var usersPerTenant: Int
        var todosPerUser: Int
        var ordersPerUser: Int
        var seed: UInt64
        var password: String
    }

    struct Login: Codable {
        var tenantCode: String
        var username: String
        var password: String
        var role: String
    }

    let service: CommandService
    let plan: Plan

    static let titles = [
        "Buy milk", "Call the plumber", "Renew passport", "Book dentist", "Water the plants", "Pay rent",
        "Write report", "Plan the trip", "Fix the bike", "Read a chapter", "Go for a run", "Clean the desk",
    ]
    static let tags = ["home", "work", "errand", "health", "travel", "money"]
    static let products = [
        ("SKU-COFFEE", "Coffee beans", 1299), ("SKU-MUG", "Mug", 899), ("SKU-FILTER", "Paper filters", 349),
        ("SKU-KETTLE", "Kettle", 3999), ("SKU-TEA", "Green tea", 599),
    ]

    /// Commands the plan sends (for the progress bar).
    var commandCount: Int {
        let perUser = 1 + 1 + plan.todosPerUser * 2 + (plan.todosPerUser > 0 ? 1 : 0) + plan.ordersPerUser * 3
        let tenantWide = 3 + (plan.usersPerTenant > 0 ? 12 : 0)
        return plan.tenants * (1 + 1 + plan.usersPerTenant * perUser + tenantWide)
    }

    /// Runs the plan; `progress` gets the number of commands done so far.
    func run(progress: (Int) -> Void) async throws -> [Login] {
        var random = SeedRandom(seed: plan.seed)
        var done = 0
        func step() {
            done += 1
            progress(done)
        }
        var logins: [Login] = []
        let now = Date()
        for t in 0..<plan.tenants {
            let tenant = TenantID(rawValue: random.uuid())
            let code = plan.tenants == 1 && plan.seed == 1 ? "demo" : "demo-\(plan.seed)-\(t + 1)"
            let systemEnvelope = { (key: String) in CommandEnvelope(principal: .system(tenantID: tenant), idempotencyKey: "seed-\(plan.seed)-\(key)") }
            try await ignoreExisting {
                try await service.createTenant(tenant, name: "Demo Company \(t + 1)", code: code, envelope: systemEnvelope("tenant-\(t)"))
            }
            step()
            // An administrator and members.
            var members: [UserID] = []
            let admin = UserID(rawValue: random.uuid())
            try await ignoreExisting {
                try await service.registerUser(
                    admin, tenantID: tenant, username: "admin", email: "admin@\(code).example", phone: nil,
                    password: plan.password, envelope: systemEnvelope("user-\(t)-admin"))
            }
            try await service.execute(User.self, id: admin, command: .grantRole(admin, .admin), envelope: systemEnvelope("admin-role-\(t)"))
            step()
            logins.append(Login(tenantCode: code, username: "admin", password: plan.password, role: "admin"))
            let adminEnvelope = { (key: String) in
                CommandEnvelope(principal: .user(admin, tenantID: tenant, roles: [.member, .admin]), idempotencyKey: "seed-\(plan.seed)-\(key)")
            }
            for u in 0..<plan.usersPerTenant {
                let user = UserID(rawValue: random.uuid())
                let name = "user\(u + 1)"
                try await ignoreExisting {
                    try await service.registerUser(
                        user, tenantID: tenant, username: name, email: "\(name)@\(code).example", phone: nil,
                        password: plan.password, envelope: systemEnvelope("user-\(t)-\(u)"))
                }
                step()
                if u == 0 { logins.append(Login(tenantCode: code, username: name, password: plan.password, role: "member")) }
                members.append(user)
                let userEnvelope = { (key: String) in
                    CommandEnvelope(principal: .user(user, tenantID: tenant), idempotencyKey: "seed-\(plan.seed)-\(key)")
                }
                for d in 0..<plan.todosPerUser {
                    let todo = TodoID(rawValue: random.uuid())
                    let title = Self.titles[Int.random(in: 0..<Self.titles.count, using: &random)]
                    let due = now.addingTimeInterval(Double(Int.random(in: -5...10, using: &random)) * 86_400)
                    let draft = TodoDraft(
                        title: title, description: "", priority: [.high, .medium, .low][Int.random(in: 0...2, using: &random)],
                        dueDate: due, tags: [Self.tags[Int.random(in: 0..<Self.tags.count, using: &random)]],
                        type: Bool.random(using: &random) ? .personal : .daily
                    )
                    try await service.execute(
                        Todo.self, id: todo, command: .create(todo, tenantID: tenant, ownerID: user, draft),
                        envelope: userEnvelope("todo-\(t)-\(u)-\(d)"))
                    step()
                    let finish = Int.random(in: 0..<3, using: &random)
                    let followUp: TodoCommand = finish == 0 ? .complete(todo) : finish == 1 ? .changePriority(todo, .high) : .changeTags(todo, ["later"])
                    try await service.execute(Todo.self, id: todo, command: followUp, envelope: userEnvelope("todo-\(t)-\(u)-\(d)-2"))
                    step()
                    if d == 0 {
                        let reminder = ReminderID(rawValue: random.uuid())
                        try await service.execute(
                            Todo.self, id: todo, command: .scheduleReminder(todo, reminder, kind: .due, fireAt: due),
                            envelope: userEnvelope("todo-\(t)-\(u)-\(d)-reminder"))
                        step()
                    }
                }
                // One phone per member, registered for push.
                let device = DeviceID(rawValue: random.uuid())
                let registration = DeviceRegistration(
                    platform: .ios, pushToken: String(repeating: String(format: "%02x", u + 1), count: 32), provider: .apns,
                    appID: "com.example.tidemark", environment: .sandbox, appVersion: "1.0.0", locale: "en"
                )
                try await service.execute(
                    Device.self, id: device, command: .register(device, tenantID: tenant, userID: user, registration),
                    envelope: userEnvelope("device-\(t)-\(u)"))
                step()
                for o in 0..<plan.ordersPerUser {
                    let order = OrderID(rawValue: random.uuid())
                    let items = (0..<Int.random(in: 1...3, using: &random)).map { index -> OrderItem in
                        let product = Self.products[(index + o) % Self.products.count]
                        return OrderItem(sku: product.0, name: product.1, quantity: Int.random(in: 1...3, using: &random), unitPriceMinor: Int64(product.2))
                    }
                    try await service.execute(
                        Order.self, id: order, command: .place(order, tenantID: tenant, items: items, currency: "EUR"),
                        envelope: userEnvelope("order-\(t)-\(u)-\(o)"))
                    step()
                    try await service.execute(Order.self, id: order, command: .pay(order), envelope: systemEnvelope("order-\(t)-\(u)-\(o)-pay"))
                    step()
                    let ship = Bool.random(using: &random)
                    try await service.execute(
                        Order.self, id: order, command: ship ? .ship(order) : .cancel(order, reason: "changed my mind"),
                        envelope: ship ? adminEnvelope("order-\(t)-\(u)-\(o)-3") : userEnvelope("order-\(t)-\(u)-\(o)-3"))
                    step()
                }
            }
            // Tenant-wide work by the administrator.
            let announcement = AnnouncementID(rawValue: random.uuid())
            try await service.execute(
                Announcement.self, id: announcement,
                command: .draft(announcement, tenantID: tenant, title: "Welcome to Tidemark", body: "This is the demo tenant."),
                envelope: adminEnvelope("announcement-\(t)"))
            step()
            try await service.execute(
                Announcement.self, id: announcement, command: .publish(announcement), envelope: adminEnvelope("announcement-\(t)-publish"))
            step()
            if let first = members.first {
                let notification = NotificationID(rawValue: random.uuid())
                try await service.sendNotification(
                    notification, tenantID: tenant, receivers: members,
                    type: "welcome", title: "Hello", content: "Your demo account is ready.",
                    envelope: adminEnvelope("notification-\(t)"))
                step()
                try await seedFirstMember(
                    first, tenant: tenant, notification: notification, announcement: announcement,
                    random: &random, adminEnvelope: adminEnvelope, systemEnvelope: systemEnvelope, key: "\(t)", step: step)
            } else {
                step()
            }
        }
        return logins
    }

    /// The first member reads the inbox and the announcement, has a refunded order and a resolved
    /// complaint: every read table gets rows (12 commands).
    private func seedFirstMember(
        _ member: UserID, tenant: TenantID, notification: NotificationID, announcement: AnnouncementID,
        random: inout SeedRandom, adminEnvelope: (String) -> CommandEnvelope, systemEnvelope: (String) -> CommandEnvelope,
        key: String, step: () -> Void
    ) async throws {
        let envelope = { (suffix: String) in
            CommandEnvelope(principal: .user(member, tenantID: tenant), idempotencyKey: "seed-\(plan.seed)-\(key)-\(suffix)")
        }
        try await service.execute(Domain.Notification.self, id: notification, command: .markRead(notification), envelope: envelope("notification-read"))
        step()
        try await service.execute(Announcement.self, id: announcement, command: .markRead(announcement), envelope: envelope("announcement-read"))
        step()
        let item = OrderItem(sku: Self.products[0].0, name: Self.products[0].1, quantity: 1, unitPriceMinor: Int64(Self.products[0].2))
        let refunded = OrderID(rawValue: random.uuid())
        try await service.execute(
            Order.self, id: refunded, command: .place(refunded, tenantID: tenant, items: [item], currency: "EUR"), envelope: envelope("refund-order"))
        try await service.execute(Order.self, id: refunded, command: .pay(refunded), envelope: systemEnvelope("\(key)-refund-order-pay"))
        try await service.execute(Order.self, id: refunded, command: .requestRefund(refunded, reason: "wrong size"), envelope: envelope("refund-order-request"))
        try await service.execute(Order.self, id: refunded, command: .approveRefund(refunded), envelope: adminEnvelope("\(key)-refund-order-approve"))
        for _ in 0..<4 { step() }
        let complained = OrderID(rawValue: random.uuid())
        try await service.execute(
            Order.self, id: complained, command: .place(complained, tenantID: tenant, items: [item], currency: "EUR"), envelope: envelope("complaint-order"))
        try await service.execute(Order.self, id: complained, command: .pay(complained), envelope: systemEnvelope("\(key)-complaint-order-pay"))
        try await service.execute(Order.self, id: complained, command: .ship(complained), envelope: adminEnvelope("\(key)-complaint-order-ship"))
        try await service.execute(Order.self, id: complained, command: .deliver(complained), envelope: adminEnvelope("\(key)-complaint-order-deliver"))
        try await service.execute(
            Order.self, id: complained, command: .fileComplaint(complained, reason: "box arrived dented"), envelope: envelope("complaint-order-file"))
        try await service.execute(
            Order.self, id: complained, command: .resolveComplaint(complained, reason: "sent a new box"),
            envelope: adminEnvelope("\(key)-complaint-order-resolve"))
        for _ in 0..<6 { step() }
    }

    /// A re-run of the same seed finds its tenants and users already there: that is not an error.
    private func ignoreExisting(_ body: () async throws -> CommandOutcome) async throws {
        do {
            _ = try await body()
        } catch let error as CommandError where error.code == .alreadyExists {
            return
        }
    }
}
