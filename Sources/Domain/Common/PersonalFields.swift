/// The personal fields of every aggregate's events, by event type: the only fields that are
/// stored as envelopes and the only ones readers open (a string elsewhere that looks like an
/// envelope is a value a client typed, and stays text).
public enum PersonalFields {
    /// Event type → its personal fields, over every aggregate.
    public static let all: [String: PersonalFieldRule] = [
        TenantEvent.personalFields, UserEvent.personalFields, TodoEvent.personalFields, NotificationEvent.personalFields,
        AnnouncementEvent.personalFields, OrderEvent.personalFields, DeviceEvent.personalFields, PushPreferencesEvent.personalFields,
    ].reduce(into: [:]) { all, fields in all.merge(fields) { first, _ in first } }
}
