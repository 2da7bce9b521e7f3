import Foundation

extension TodoEvent {
    /// Payload of `TodoCreated` v2.
    public struct Created: Codable, Sendable, Equatable {
        /// The tenant.
        public var tenantID: TenantID
        /// The new todo.
        public var todoID: TodoID
        /// Its owner.
        public var ownerID: UserID
        /// Trimmed title.
        public var title: String
        /// Description.
        public var description: String
        /// Priority.
        public var priority: TodoPriority
        /// Due date (`dueAt`), absent when none.
        public var dueDate: Date?
        /// Normalised tags.
        public var tags: [String]
        /// Type.
        public var type: TodoType
        /// When it was created.
        public var at: Date
        /// The owner, present only when the owner marked the todo's texts as personal data: then
        /// `title` and `description` are sealed with the owner's data key (``TodoEvent/personalFields``).
        public var personalDataOwnerID: UserID? = nil

        /// The wire names: the due date is `dueAt` since version 2.
        enum CodingKeys: String, CodingKey {
            case tenantID, todoID, ownerID, title, description, priority, dueDate = "dueAt", tags, type, at, personalDataOwnerID
        }
    }

    /// Payload of `TodoTitleChanged`.
    public struct TitleChanged: Codable, Sendable, Equatable {
        /// The tenant.
        public var tenantID: TenantID
        /// The todo.
        public var todoID: TodoID
        /// The new trimmed title.
        public var title: String
        /// When it changed.
        public var at: Date
        /// The todo's owner when the todo's texts are personal data (see ``Created/personalDataOwnerID``).
        public var personalDataOwnerID: UserID? = nil
    }

    /// Payload of `TodoDescriptionChanged`.
    public struct DescriptionChanged: Codable, Sendable, Equatable {
        /// The tenant.
        public var tenantID: TenantID
        /// The todo.
        public var todoID: TodoID
        /// The new description.
        public var description: String
        /// When it changed.
        public var at: Date
        /// The todo's owner when the todo's texts are personal data (see ``Created/personalDataOwnerID``).
        public var personalDataOwnerID: UserID? = nil
    }

    /// Payload of `TodoPriorityChanged`.
    public struct PriorityChanged: Codable, Sendable, Equatable {
        /// The tenant.
        public var tenantID: TenantID
        /// The todo.
        public var todoID: TodoID
        /// The new priority.
        public var priority: TodoPriority
        /// When it changed.
        public var at: Date
    }

    /// Payload of `TodoDueDateChanged` v2.
    public struct DueDateChanged: Codable, Sendable, Equatable {
        /// The tenant.
        public var tenantID: TenantID
        /// The todo.
        public var todoID: TodoID
        /// The new due date (`dueAt`); absent when cleared.
        public var dueDate: Date?
        /// When it changed.
        public var at: Date

        /// The wire names: the due date is `dueAt` since version 2.
        enum CodingKeys: String, CodingKey {
            case tenantID, todoID, dueDate = "dueAt", at
        }
    }

    /// Payload of `TodoTagsChanged`.
    public struct TagsChanged: Codable, Sendable, Equatable {
        /// The tenant.
        public var tenantID: TenantID
        /// The todo.
        public var todoID: TodoID
        /// The new tags.
        public var tags: [String]
        /// When they changed.
        public var at: Date
    }

    /// Payload of `TodoTypeChanged`.
    public struct TypeChanged: Codable, Sendable, Equatable {
        /// The tenant.
        public var tenantID: TenantID
        /// The todo.
        public var todoID: TodoID
        /// The new type.
        public var type: TodoType
        /// When it changed.
        public var at: Date
    }

    /// Payload of `TodoCompleted`, `TodoReopened`, `TodoCancelled`, `TodoDeleted` and `TodoRestored`.
    public struct Lifecycle: Codable, Sendable, Equatable {
        /// The tenant.
        public var tenantID: TenantID
        /// The todo.
        public var todoID: TodoID
        /// Who did it (absent when the system acted on its own).
        public var actorID: UserID?
        /// When it happened.
        public var at: Date
    }

    /// Payload of `TodoReminderScheduled`.
    public struct ReminderScheduled: Codable, Sendable, Equatable {
        /// The tenant.
        public var tenantID: TenantID
        /// The todo.
        public var todoID: TodoID
        /// The new reminder.
        public var reminderID: ReminderID
        /// What it is about.
        public var kind: TodoReminder.Kind
        /// When it should fire.
        public var fireAt: Date
        /// When it was scheduled.
        public var at: Date
    }

    /// Payload of `TodoReminderCancelled` and `TodoReminderSent`.
    public struct ReminderChanged: Codable, Sendable, Equatable {
        /// The tenant.
        public var tenantID: TenantID
        /// The todo.
        public var todoID: TodoID
        /// The reminder.
        public var reminderID: ReminderID
        /// When it happened.
        public var at: Date
    }
}
