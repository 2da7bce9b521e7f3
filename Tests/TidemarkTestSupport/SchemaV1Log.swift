// swift-format-ignore-file
// (The stored rows are kept as the database printed them, one line each, longer than the line limit.)

import EventStore
import Foundation
import Logging
import PostgresNIO

/// The event log of a small tenant exactly as the code of schema version 1 wrote it, before
/// `TodoCreated` and `TodoDueDateChanged` went to version 2 (the due date is `dueAt` since then).
///
/// Captured on 2026-12-07 from a database the version-1 build filled: `synccli seed --users-per-tenant 1
/// --todos-per-user 2 --orders-per-user 0 --password-cost 4` (tenant `demo`, administrator `admin`,
/// member `user1`, both with password ``password``), then, through `synccli serve` and a
/// `synccli replica` of `user1`, `todo add "Water the plants" --due 2027-01-15T09:30:00Z` and
/// `todo edit --due 2027-01-20T18:00:00Z`. Each row is `SELECT … data::text, metadata::text FROM events`
/// of that database (and ``claims`` its `unique_claims`); nothing was edited by hand. Never change
/// these rows: they are what old databases hold.
public enum SchemaV1Log {
    /// The tenant's code.
    public static let tenantCode = "demo"
    /// The tenant.
    public static let tenantID = "c1675e0b-b980-4575-a896-61fec08aa83b"
    /// The member who owns the todos.
    public static let username = "user1"
    /// `user1`'s id.
    public static let userID = "6d1c170c-f5c1-483c-8607-63b281385e96"
    /// The password of `admin` and `user1`.
    public static let password = "correct horse battery"
    /// The open todo: created (v1, due 2027-01-15T09:30Z) and then due 2027-01-20T18:00Z (v1).
    public static let openTodoID = "8c926313-97e8-4041-a580-9e438cc5d454"

    /// The 27 events, in log order.
    public static let events: [StoredEventRow] = [
        StoredEventRow(
            eventID: "01a2510c-df7e-77e3-9217-5f04d7d75a35", stream: "tenant-c1675e0b-b980-4575-a896-61fec08aa83b", streamVersion: 1,
            tenantID: "c1675e0b-b980-4575-a896-61fec08aa83b", type: "TenantCreated", schemaVersion: 1,
            data: #"{"at": "2026-12-07T15:08:47.869Z", "code": "demo", "name": "Demo Company 1", "tenantID": "c1675e0b-b980-4575-a896-61fec08aa83b"}"#,
            metadata: #"{"actor": "system", "tenant": "c1675e0b-b980-4575-a896-61fec08aa83b", "mutation": "seed-1-tenant-0"}"#
        ),
        StoredEventRow(
            eventID: "01a2510c-df98-75e0-ac01-4d2f32c6ff40", stream: "user-63f1ee08-469c-4dac-9ff7-35ab278a84ba", streamVersion: 1,
            tenantID: "c1675e0b-b980-4575-a896-61fec08aa83b", type: "UserRegistered", schemaVersion: 1,
            data: #"{"at": "2026-12-07T15:08:47.896Z", "email": "admin@demo.example", "roles": ["member"], "userID": "63f1ee08-469c-4dac-9ff7-35ab278a84ba", "tenantID": "c1675e0b-b980-4575-a896-61fec08aa83b", "username": "admin", "passwordHash": "$2b$04$HOA2NauReyzXLy2k.BB1U.kByGjH9GrJ3I9e/gTvsjTlqguW4gXoW"}"#,
            metadata: #"{"actor": "system", "tenant": "c1675e0b-b980-4575-a896-61fec08aa83b", "mutation": "seed-1-user-0-admin"}"#
        ),
        StoredEventRow(
            eventID: "01a2510c-dfab-7aa8-b3f1-ddca2a51a5e9", stream: "user-63f1ee08-469c-4dac-9ff7-35ab278a84ba", streamVersion: 2,
            tenantID: "c1675e0b-b980-4575-a896-61fec08aa83b", type: "UserRoleGranted", schemaVersion: 1,
            data: #"{"at": "2026-12-07T15:08:47.915Z", "role": "admin", "userID": "63f1ee08-469c-4dac-9ff7-35ab278a84ba", "tenantID": "c1675e0b-b980-4575-a896-61fec08aa83b"}"#,
            metadata: #"{"actor": "system", "tenant": "c1675e0b-b980-4575-a896-61fec08aa83b", "mutation": "seed-1-admin-role-0"}"#
        ),
        StoredEventRow(
            eventID: "01a2510c-dfd0-74fa-80f0-6a9cd9012d4f", stream: "user-6d1c170c-f5c1-483c-8607-63b281385e96", streamVersion: 1,
            tenantID: "c1675e0b-b980-4575-a896-61fec08aa83b", type: "UserRegistered", schemaVersion: 1,
            data: #"{"at": "2026-12-07T15:08:47.952Z", "email": "user1@demo.example", "roles": ["member"], "userID": "6d1c170c-f5c1-483c-8607-63b281385e96", "tenantID": "c1675e0b-b980-4575-a896-61fec08aa83b", "username": "user1", "passwordHash": "$2b$04$zHMZLE974hWNzXl9/rk1N.XDoTXNI/roW1UseAFrV3EU/oHKVrxpW"}"#,
            metadata: #"{"actor": "system", "tenant": "c1675e0b-b980-4575-a896-61fec08aa83b", "mutation": "seed-1-user-0-0"}"#
        ),
        StoredEventRow(
            eventID: "01a2510c-dff0-78a2-9ab1-61b27f1a8e93", stream: "todo-737a74e5-f890-4faf-afcc-5252147fbc5b", streamVersion: 1,
            tenantID: "c1675e0b-b980-4575-a896-61fec08aa83b", type: "TodoCreated", schemaVersion: 1,
            data: #"{"at": "2026-12-07T15:08:47.984Z", "tags": ["home"], "type": "daily", "title": "Fix the bike", "todoID": "737a74e5-f890-4faf-afcc-5252147fbc5b", "dueDate": "2026-12-06T15:08:47.864Z", "ownerID": "6d1c170c-f5c1-483c-8607-63b281385e96", "priority": "high", "tenantID": "c1675e0b-b980-4575-a896-61fec08aa83b", "description": ""}"#,
            metadata: #"{"actor": "6d1c170c-f5c1-483c-8607-63b281385e96", "tenant": "c1675e0b-b980-4575-a896-61fec08aa83b", "mutation": "seed-1-todo-0-0-0"}"#
        ),
        StoredEventRow(
            eventID: "01a2510c-e003-70a3-9734-dbd6f1270ecd", stream: "todo-737a74e5-f890-4faf-afcc-5252147fbc5b", streamVersion: 2,
            tenantID: "c1675e0b-b980-4575-a896-61fec08aa83b", type: "TodoCompleted", schemaVersion: 1,
            data: #"{"at": "2026-12-07T15:08:48.003Z", "todoID": "737a74e5-f890-4faf-afcc-5252147fbc5b", "actorID": "6d1c170c-f5c1-483c-8607-63b281385e96", "tenantID": "c1675e0b-b980-4575-a896-61fec08aa83b"}"#,
            metadata: #"{"actor": "6d1c170c-f5c1-483c-8607-63b281385e96", "tenant": "c1675e0b-b980-4575-a896-61fec08aa83b", "mutation": "seed-1-todo-0-0-0-2"}"#
        ),
        StoredEventRow(
            eventID: "01a2510c-e017-7d7a-9e1a-0f2697777475", stream: "todo-737a74e5-f890-4faf-afcc-5252147fbc5b", streamVersion: 3,
            tenantID: "c1675e0b-b980-4575-a896-61fec08aa83b", type: "TodoReminderScheduled", schemaVersion: 1,
            data: #"{"at": "2026-12-07T15:08:48.023Z", "kind": "due", "fireAt": "2026-12-06T15:08:47.864Z", "todoID": "737a74e5-f890-4faf-afcc-5252147fbc5b", "tenantID": "c1675e0b-b980-4575-a896-61fec08aa83b", "reminderID": "61877573-0e43-43be-959d-39e1d7f209b1"}"#,
            metadata: #"{"actor": "6d1c170c-f5c1-483c-8607-63b281385e96", "tenant": "c1675e0b-b980-4575-a896-61fec08aa83b", "mutation": "seed-1-todo-0-0-0-reminder"}"#
        ),
        StoredEventRow(
            eventID: "01a2510c-e030-7d3a-905a-cfb103c00e58", stream: "todo-796e5c40-a83e-424b-aef8-8190f2510153", streamVersion: 1,
            tenantID: "c1675e0b-b980-4575-a896-61fec08aa83b", type: "TodoCreated", schemaVersion: 1,
            data: #"{"at": "2026-12-07T15:08:48.049Z", "tags": ["money"], "type": "personal", "title": "Plan the trip", "todoID": "796e5c40-a83e-424b-aef8-8190f2510153", "dueDate": "2026-12-09T15:08:47.864Z", "ownerID": "6d1c170c-f5c1-483c-8607-63b281385e96", "priority": "medium", "tenantID": "c1675e0b-b980-4575-a896-61fec08aa83b", "description": ""}"#,
            metadata: #"{"actor": "6d1c170c-f5c1-483c-8607-63b281385e96", "tenant": "c1675e0b-b980-4575-a896-61fec08aa83b", "mutation": "seed-1-todo-0-0-1"}"#
        ),
        StoredEventRow(
            eventID: "01a2510c-e04b-7a73-88f9-e2233cf1ce1d", stream: "todo-796e5c40-a83e-424b-aef8-8190f2510153", streamVersion: 2,
            tenantID: "c1675e0b-b980-4575-a896-61fec08aa83b", type: "TodoCompleted", schemaVersion: 1,
            data: #"{"at": "2026-12-07T15:08:48.076Z", "todoID": "796e5c40-a83e-424b-aef8-8190f2510153", "actorID": "6d1c170c-f5c1-483c-8607-63b281385e96", "tenantID": "c1675e0b-b980-4575-a896-61fec08aa83b"}"#,
            metadata: #"{"actor": "6d1c170c-f5c1-483c-8607-63b281385e96", "tenant": "c1675e0b-b980-4575-a896-61fec08aa83b", "mutation": "seed-1-todo-0-0-1-2"}"#
        ),
        StoredEventRow(
            eventID: "01a2510c-e067-7a43-9c14-a94ee270d225", stream: "device-6c7b5a26-5ea2-4712-afc4-02bb22de9f70", streamVersion: 1,
            tenantID: "c1675e0b-b980-4575-a896-61fec08aa83b", type: "DeviceRegistered", schemaVersion: 1,
            data: #"{"at": "2026-12-07T15:08:48.102Z", "userID": "6d1c170c-f5c1-483c-8607-63b281385e96", "deviceID": "6c7b5a26-5ea2-4712-afc4-02bb22de9f70", "tenantID": "c1675e0b-b980-4575-a896-61fec08aa83b", "registration": {"appID": "com.example.tidemark", "locale": "en", "platform": "ios", "provider": "apns", "pushToken": "0101010101010101010101010101010101010101010101010101010101010101", "appVersion": "1.0.0", "environment": "sandbox"}}"#,
            metadata: #"{"actor": "6d1c170c-f5c1-483c-8607-63b281385e96", "tenant": "c1675e0b-b980-4575-a896-61fec08aa83b", "mutation": "seed-1-device-0-0"}"#
        ),
        StoredEventRow(
            eventID: "01a2510c-e079-73e0-8bde-cb64e4a18a60", stream: "announcement-70d39d44-85f8-4d96-b040-95d6d213ecf2", streamVersion: 1,
            tenantID: "c1675e0b-b980-4575-a896-61fec08aa83b", type: "AnnouncementDrafted", schemaVersion: 1,
            data: #"{"at": "2026-12-07T15:08:48.121Z", "body": "This is the demo tenant.", "title": "Welcome to Tidemark", "authorID": "63f1ee08-469c-4dac-9ff7-35ab278a84ba", "tenantID": "c1675e0b-b980-4575-a896-61fec08aa83b", "announcementID": "70d39d44-85f8-4d96-b040-95d6d213ecf2"}"#,
            metadata: #"{"actor": "63f1ee08-469c-4dac-9ff7-35ab278a84ba", "tenant": "c1675e0b-b980-4575-a896-61fec08aa83b", "mutation": "seed-1-announcement-0"}"#
        ),
        StoredEventRow(
            eventID: "01a2510c-e083-7a03-845c-bb3e643d6fb3", stream: "announcement-70d39d44-85f8-4d96-b040-95d6d213ecf2", streamVersion: 2,
            tenantID: "c1675e0b-b980-4575-a896-61fec08aa83b", type: "AnnouncementPublished", schemaVersion: 1,
            data: #"{"at": "2026-12-07T15:08:48.131Z", "actorID": "63f1ee08-469c-4dac-9ff7-35ab278a84ba", "tenantID": "c1675e0b-b980-4575-a896-61fec08aa83b", "announcementID": "70d39d44-85f8-4d96-b040-95d6d213ecf2"}"#,
            metadata: #"{"actor": "63f1ee08-469c-4dac-9ff7-35ab278a84ba", "tenant": "c1675e0b-b980-4575-a896-61fec08aa83b", "mutation": "seed-1-announcement-0-publish"}"#
        ),
        StoredEventRow(
            eventID: "01a2510c-e08c-76a5-b72a-e03263c4aba0", stream: "notification-eab32315-8de4-4d7f-8496-9fb1c6ec6896", streamVersion: 1,
            tenantID: "c1675e0b-b980-4575-a896-61fec08aa83b", type: "NotificationSent", schemaVersion: 1,
            data: #"{"at": "2026-12-07T15:08:48.140Z", "type": "welcome", "title": "Hello", "content": "Your demo account is ready.", "senderID": "63f1ee08-469c-4dac-9ff7-35ab278a84ba", "tenantID": "c1675e0b-b980-4575-a896-61fec08aa83b", "receiverIDs": ["6d1c170c-f5c1-483c-8607-63b281385e96"], "notificationID": "eab32315-8de4-4d7f-8496-9fb1c6ec6896"}"#,
            metadata: #"{"actor": "63f1ee08-469c-4dac-9ff7-35ab278a84ba", "tenant": "c1675e0b-b980-4575-a896-61fec08aa83b", "mutation": "seed-1-notification-0"}"#
        ),
        StoredEventRow(
            eventID: "01a2510c-e0a4-7406-8382-0b31dae4e842", stream: "notification-eab32315-8de4-4d7f-8496-9fb1c6ec6896", streamVersion: 2,
            tenantID: "c1675e0b-b980-4575-a896-61fec08aa83b", type: "NotificationRead", schemaVersion: 1,
            data: #"{"at": "2026-12-07T15:08:48.164Z", "tenantID": "c1675e0b-b980-4575-a896-61fec08aa83b", "receiverID": "6d1c170c-f5c1-483c-8607-63b281385e96", "notificationID": "eab32315-8de4-4d7f-8496-9fb1c6ec6896"}"#,
            metadata: #"{"actor": "6d1c170c-f5c1-483c-8607-63b281385e96", "tenant": "c1675e0b-b980-4575-a896-61fec08aa83b", "mutation": "seed-1-0-notification-read"}"#
        ),
        StoredEventRow(
            eventID: "01a2510c-e0b0-7ab9-80c8-5d62fdc0fd14", stream: "announcement-70d39d44-85f8-4d96-b040-95d6d213ecf2", streamVersion: 3,
            tenantID: "c1675e0b-b980-4575-a896-61fec08aa83b", type: "AnnouncementRead", schemaVersion: 1,
            data: #"{"at": "2026-12-07T15:08:48.176Z", "readerID": "6d1c170c-f5c1-483c-8607-63b281385e96", "tenantID": "c1675e0b-b980-4575-a896-61fec08aa83b", "announcementID": "70d39d44-85f8-4d96-b040-95d6d213ecf2"}"#,
            metadata: #"{"actor": "6d1c170c-f5c1-483c-8607-63b281385e96", "tenant": "c1675e0b-b980-4575-a896-61fec08aa83b", "mutation": "seed-1-0-announcement-read"}"#
        ),
        StoredEventRow(
            eventID: "01a2510c-e0c1-7d48-9398-a0dd88c3e1fb", stream: "order-4da9f424-d040-4bcf-9aa7-25f345b5f99c", streamVersion: 1,
            tenantID: "c1675e0b-b980-4575-a896-61fec08aa83b", type: "OrderPlaced", schemaVersion: 1,
            data: #"{"at": "2026-12-07T15:08:48.193Z", "items": [{"sku": "SKU-COFFEE", "name": "Coffee beans", "quantity": 1, "unitPriceMinor": 1299}], "orderID": "4da9f424-d040-4bcf-9aa7-25f345b5f99c", "currency": "EUR", "tenantID": "c1675e0b-b980-4575-a896-61fec08aa83b", "customerID": "6d1c170c-f5c1-483c-8607-63b281385e96", "totalMinor": 1299}"#,
            metadata: #"{"actor": "6d1c170c-f5c1-483c-8607-63b281385e96", "tenant": "c1675e0b-b980-4575-a896-61fec08aa83b", "mutation": "seed-1-0-refund-order"}"#
        ),
        StoredEventRow(
            eventID: "01a2510c-e0d5-7019-b191-3cf3c21ff07c", stream: "order-4da9f424-d040-4bcf-9aa7-25f345b5f99c", streamVersion: 2,
            tenantID: "c1675e0b-b980-4575-a896-61fec08aa83b", type: "OrderPaid", schemaVersion: 1,
            data: #"{"at": "2026-12-07T15:08:48.213Z", "to": "paid", "from": "pending", "orderID": "4da9f424-d040-4bcf-9aa7-25f345b5f99c", "tenantID": "c1675e0b-b980-4575-a896-61fec08aa83b"}"#,
            metadata: #"{"actor": "system", "tenant": "c1675e0b-b980-4575-a896-61fec08aa83b", "mutation": "seed-1-0-refund-order-pay"}"#
        ),
        StoredEventRow(
            eventID: "01a2510c-e0e7-7766-8b39-40fd9226c51e", stream: "order-4da9f424-d040-4bcf-9aa7-25f345b5f99c", streamVersion: 3,
            tenantID: "c1675e0b-b980-4575-a896-61fec08aa83b", type: "OrderRefundRequested", schemaVersion: 1,
            data: #"{"at": "2026-12-07T15:08:48.231Z", "to": "refund_requested", "from": "paid", "reason": "wrong size", "actorID": "6d1c170c-f5c1-483c-8607-63b281385e96", "orderID": "4da9f424-d040-4bcf-9aa7-25f345b5f99c", "tenantID": "c1675e0b-b980-4575-a896-61fec08aa83b"}"#,
            metadata: #"{"actor": "6d1c170c-f5c1-483c-8607-63b281385e96", "tenant": "c1675e0b-b980-4575-a896-61fec08aa83b", "mutation": "seed-1-0-refund-order-request"}"#
        ),
        StoredEventRow(
            eventID: "01a2510c-e104-716e-a24d-df890cc306dd", stream: "order-4da9f424-d040-4bcf-9aa7-25f345b5f99c", streamVersion: 4,
            tenantID: "c1675e0b-b980-4575-a896-61fec08aa83b", type: "OrderRefunded", schemaVersion: 1,
            data: #"{"at": "2026-12-07T15:08:48.260Z", "to": "refunded", "from": "refund_requested", "actorID": "63f1ee08-469c-4dac-9ff7-35ab278a84ba", "orderID": "4da9f424-d040-4bcf-9aa7-25f345b5f99c", "tenantID": "c1675e0b-b980-4575-a896-61fec08aa83b"}"#,
            metadata: #"{"actor": "63f1ee08-469c-4dac-9ff7-35ab278a84ba", "tenant": "c1675e0b-b980-4575-a896-61fec08aa83b", "mutation": "seed-1-0-refund-order-approve"}"#
        ),
        StoredEventRow(
            eventID: "01a2510c-e114-7f24-9e4b-537ff2ba6dc9", stream: "order-b64fe6db-5b63-4afc-9b6d-a95685e239d7", streamVersion: 1,
            tenantID: "c1675e0b-b980-4575-a896-61fec08aa83b", type: "OrderPlaced", schemaVersion: 1,
            data: #"{"at": "2026-12-07T15:08:48.277Z", "items": [{"sku": "SKU-COFFEE", "name": "Coffee beans", "quantity": 1, "unitPriceMinor": 1299}], "orderID": "b64fe6db-5b63-4afc-9b6d-a95685e239d7", "currency": "EUR", "tenantID": "c1675e0b-b980-4575-a896-61fec08aa83b", "customerID": "6d1c170c-f5c1-483c-8607-63b281385e96", "totalMinor": 1299}"#,
            metadata: #"{"actor": "6d1c170c-f5c1-483c-8607-63b281385e96", "tenant": "c1675e0b-b980-4575-a896-61fec08aa83b", "mutation": "seed-1-0-complaint-order"}"#
        ),
        StoredEventRow(
            eventID: "01a2510c-e124-7082-8252-e1df06ac5415", stream: "order-b64fe6db-5b63-4afc-9b6d-a95685e239d7", streamVersion: 2,
            tenantID: "c1675e0b-b980-4575-a896-61fec08aa83b", type: "OrderPaid", schemaVersion: 1,
            data: #"{"at": "2026-12-07T15:08:48.292Z", "to": "paid", "from": "pending", "orderID": "b64fe6db-5b63-4afc-9b6d-a95685e239d7", "tenantID": "c1675e0b-b980-4575-a896-61fec08aa83b"}"#,
            metadata: #"{"actor": "system", "tenant": "c1675e0b-b980-4575-a896-61fec08aa83b", "mutation": "seed-1-0-complaint-order-pay"}"#
        ),
        StoredEventRow(
            eventID: "01a2510c-e140-7f3f-bb65-f9cc96c15d77", stream: "order-b64fe6db-5b63-4afc-9b6d-a95685e239d7", streamVersion: 3,
            tenantID: "c1675e0b-b980-4575-a896-61fec08aa83b", type: "OrderShipped", schemaVersion: 1,
            data: #"{"at": "2026-12-07T15:08:48.321Z", "to": "shipped", "from": "paid", "actorID": "63f1ee08-469c-4dac-9ff7-35ab278a84ba", "orderID": "b64fe6db-5b63-4afc-9b6d-a95685e239d7", "tenantID": "c1675e0b-b980-4575-a896-61fec08aa83b"}"#,
            metadata: #"{"actor": "63f1ee08-469c-4dac-9ff7-35ab278a84ba", "tenant": "c1675e0b-b980-4575-a896-61fec08aa83b", "mutation": "seed-1-0-complaint-order-ship"}"#
        ),
        StoredEventRow(
            eventID: "01a2510c-e152-7d2c-bebb-4cab539210aa", stream: "order-b64fe6db-5b63-4afc-9b6d-a95685e239d7", streamVersion: 4,
            tenantID: "c1675e0b-b980-4575-a896-61fec08aa83b", type: "OrderDelivered", schemaVersion: 1,
            data: #"{"at": "2026-12-07T15:08:48.339Z", "to": "delivered", "from": "shipped", "actorID": "63f1ee08-469c-4dac-9ff7-35ab278a84ba", "orderID": "b64fe6db-5b63-4afc-9b6d-a95685e239d7", "tenantID": "c1675e0b-b980-4575-a896-61fec08aa83b"}"#,
            metadata: #"{"actor": "63f1ee08-469c-4dac-9ff7-35ab278a84ba", "tenant": "c1675e0b-b980-4575-a896-61fec08aa83b", "mutation": "seed-1-0-complaint-order-deliver"}"#
        ),
        StoredEventRow(
            eventID: "01a2510c-e163-7e8a-9b5c-42e11b4bb428", stream: "order-b64fe6db-5b63-4afc-9b6d-a95685e239d7", streamVersion: 5,
            tenantID: "c1675e0b-b980-4575-a896-61fec08aa83b", type: "OrderComplaintFiled", schemaVersion: 1,
            data: #"{"at": "2026-12-07T15:08:48.356Z", "to": "delivered", "from": "delivered", "reason": "box arrived dented", "actorID": "6d1c170c-f5c1-483c-8607-63b281385e96", "orderID": "b64fe6db-5b63-4afc-9b6d-a95685e239d7", "tenantID": "c1675e0b-b980-4575-a896-61fec08aa83b"}"#,
            metadata: #"{"actor": "6d1c170c-f5c1-483c-8607-63b281385e96", "tenant": "c1675e0b-b980-4575-a896-61fec08aa83b", "mutation": "seed-1-0-complaint-order-file"}"#
        ),
        StoredEventRow(
            eventID: "01a2510c-e17a-7bd3-9eee-700c8c2c9582", stream: "order-b64fe6db-5b63-4afc-9b6d-a95685e239d7", streamVersion: 6,
            tenantID: "c1675e0b-b980-4575-a896-61fec08aa83b", type: "OrderComplaintResolved", schemaVersion: 1,
            data: #"{"at": "2026-12-07T15:08:48.379Z", "to": "delivered", "from": "delivered", "reason": "sent a new box", "actorID": "63f1ee08-469c-4dac-9ff7-35ab278a84ba", "orderID": "b64fe6db-5b63-4afc-9b6d-a95685e239d7", "tenantID": "c1675e0b-b980-4575-a896-61fec08aa83b"}"#,
            metadata: #"{"actor": "63f1ee08-469c-4dac-9ff7-35ab278a84ba", "tenant": "c1675e0b-b980-4575-a896-61fec08aa83b", "mutation": "seed-1-0-complaint-order-resolve"}"#
        ),
        StoredEventRow(
            eventID: "01a2510d-1a30-73a3-9eb5-2455b21731d1", stream: "todo-8c926313-97e8-4041-a580-9e438cc5d454", streamVersion: 1,
            tenantID: "c1675e0b-b980-4575-a896-61fec08aa83b", type: "TodoCreated", schemaVersion: 1,
            data: #"{"at": "2026-12-07T15:09:02.896Z", "tags": ["home", "garden"], "type": "personal", "title": "Water the plants", "todoID": "8c926313-97e8-4041-a580-9e438cc5d454", "dueDate": "2027-01-15T09:30:00.000Z", "ownerID": "6d1c170c-f5c1-483c-8607-63b281385e96", "priority": "low", "tenantID": "c1675e0b-b980-4575-a896-61fec08aa83b", "description": "balcony first"}"#,
            metadata: #"{"actor": "6d1c170c-f5c1-483c-8607-63b281385e96", "device": "8361a49a-ca0e-45b2-ac38-6e06a05efe9f", "tenant": "c1675e0b-b980-4575-a896-61fec08aa83b", "mutation": "m2:c1675e0b-b980-4575-a896-61fec08aa83b:6d1c170c-f5c1-483c-8607-63b281385e96:8361a49a-ca0e-45b2-ac38-6e06a05efe9f:a05048c1-e28b-4a6c-8493-1165278d2ec5", "causation": "mutation:a05048c1-e28b-4a6c-8493-1165278d2ec5", "correlation": "7c05f6d898ed20cc989f342716945e1f"}"#
        ),
        StoredEventRow(
            eventID: "01a2510d-1af7-706e-93e3-2d8adb1bd534", stream: "todo-8c926313-97e8-4041-a580-9e438cc5d454", streamVersion: 2,
            tenantID: "c1675e0b-b980-4575-a896-61fec08aa83b", type: "TodoDueDateChanged", schemaVersion: 1,
            data: #"{"at": "2026-12-07T15:09:03.095Z", "todoID": "8c926313-97e8-4041-a580-9e438cc5d454", "dueDate": "2027-01-20T18:00:00.000Z", "tenantID": "c1675e0b-b980-4575-a896-61fec08aa83b"}"#,
            metadata: #"{"actor": "6d1c170c-f5c1-483c-8607-63b281385e96", "device": "8361a49a-ca0e-45b2-ac38-6e06a05efe9f", "tenant": "c1675e0b-b980-4575-a896-61fec08aa83b", "mutation": "m2:c1675e0b-b980-4575-a896-61fec08aa83b:6d1c170c-f5c1-483c-8607-63b281385e96:8361a49a-ca0e-45b2-ac38-6e06a05efe9f:5de5bda0-2b6e-4911-9536-1d0d348306f6", "causation": "mutation:5de5bda0-2b6e-4911-9536-1d0d348306f6", "correlation": "7c05f6d898ed20cc989f342716945e22"}"#
        ),
    ]

    /// The rows of `read.todos` the version-1 build projected from ``events`` (as
    /// `to_jsonb(t) - 'last_position'`, by `todo_id`).
    public static let todosRows: [String] = [
        #"{"tags": ["home"], "type": "daily", "title": "Fix the bike", "due_at": "2026-12-06T15:08:47.864+00:00", "status": "completed", "deleted": false, "due_day": "2026-12-06", "todo_id": "737a74e5-f890-4faf-afcc-5252147fbc5b", "owner_id": "6d1c170c-f5c1-483c-8607-63b281385e96", "priority": "high", "tenant_id": "c1675e0b-b980-4575-a896-61fec08aa83b", "created_at": "2026-12-07T15:08:47.984+00:00", "deleted_at": null, "updated_at": "2026-12-07T15:08:48.003+00:00", "description": "", "cancelled_at": null, "completed_at": "2026-12-07T15:08:48.003+00:00"}"#,
        #"{"tags": ["money"], "type": "personal", "title": "Plan the trip", "due_at": "2026-12-09T15:08:47.864+00:00", "status": "completed", "deleted": false, "due_day": "2026-12-09", "todo_id": "796e5c40-a83e-424b-aef8-8190f2510153", "owner_id": "6d1c170c-f5c1-483c-8607-63b281385e96", "priority": "medium", "tenant_id": "c1675e0b-b980-4575-a896-61fec08aa83b", "created_at": "2026-12-07T15:08:48.049+00:00", "deleted_at": null, "updated_at": "2026-12-07T15:08:48.076+00:00", "description": "", "cancelled_at": null, "completed_at": "2026-12-07T15:08:48.076+00:00"}"#,
        #"{"tags": ["home", "garden"], "type": "personal", "title": "Water the plants", "due_at": "2027-01-20T18:00:00+00:00", "status": "open", "deleted": false, "due_day": "2027-01-20", "todo_id": "8c926313-97e8-4041-a580-9e438cc5d454", "owner_id": "6d1c170c-f5c1-483c-8607-63b281385e96", "priority": "low", "tenant_id": "c1675e0b-b980-4575-a896-61fec08aa83b", "created_at": "2026-12-07T15:09:02.896+00:00", "deleted_at": null, "updated_at": "2026-12-07T15:09:03.095+00:00", "description": "balcony first", "cancelled_at": null, "completed_at": null}"#,
    ]

    /// The rows of `unique_claims` (scope, value, stream) the command service wrote with ``events``:
    /// sign-in finds the tenant and the users through them.
    public static let claims: [(scope: String, value: String, stream: String)] = [
        ("tenant_code", "demo", "tenant-c1675e0b-b980-4575-a896-61fec08aa83b"),
        ("username:c1675e0b-b980-4575-a896-61fec08aa83b", "admin", "user-63f1ee08-469c-4dac-9ff7-35ab278a84ba"),
        ("username:c1675e0b-b980-4575-a896-61fec08aa83b", "user1", "user-6d1c170c-f5c1-483c-8607-63b281385e96"),
    ]

    /// Appends ``events`` to the `events` table of `client`'s database with plain SQL, as an old
    /// build left them (stream ids from the store's sequence, one per stream), and adds ``claims``
    /// when the database has `unique_claims` (the command service's migrations ran).
    public static func insert(into client: PostgresClient, logger: Logger) async throws {
        for row in events {
            try await row.insert(into: client, logger: logger)
        }
        var hasClaims = false
        for try await exists in try await client.query("SELECT to_regclass('unique_claims') IS NOT NULL", logger: logger).decode(Bool.self) {
            hasClaims = exists
        }
        guard hasClaims else { return }
        for claim in claims {
            try await client.query(
                "INSERT INTO unique_claims (scope, value, stream) VALUES (\(claim.scope), \(claim.value), \(claim.stream))", logger: logger)
        }
    }
}
