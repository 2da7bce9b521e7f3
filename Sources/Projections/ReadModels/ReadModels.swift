/// The read models of Tidemark, in the order the runner starts them.
public enum ReadModels {
    /// Every read-model projection: tenants, users, todos, notifications, announcements, orders, devices.
    public static let all: [any Projection] = [
        TenantsProjection(),
        UsersProjection(),
        TodosProjection(),
        NotificationsProjection(),
        AnnouncementsProjection(),
        OrdersProjection(),
        DevicesProjection(),
    ]
}
