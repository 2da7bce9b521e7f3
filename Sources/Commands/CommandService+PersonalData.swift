import Crypto
import Domain
import EventStore
import Foundation
import Privacy

extension CommandService {
    /// The key table of personal data, through the store's pool.
    var personalDataKeys: PersonalDataKeys {
        PersonalDataKeys(client: store.client, logger: store.logger)
    }

    /// `events` with the personal fields their aggregate declares (``DomainEvent/personalFields``)
    /// sealed with the key of the user each payload names in its rule's owner member (events
    /// whose payload names none are not personal). The key is created and committed first when
    /// the user has none, so it exists whenever the events commit.
    ///
    /// - Throws: ``CommandError`` `conflict` when that user's personal data was erased,
    ///   `unavailable` when the key table cannot be reached.
    func sealPersonalFields<Event: DomainEvent>(
        _ events: [EventData], of type: Event.Type, stream: StreamName
    ) async throws(CommandError) -> [EventData] {
        try await sealPersonalFields(events, rules: Event.personalFields, stream: stream)
    }

    /// `events` with the personal fields of `rules` (event type → rule; ``PersonalFields/all`` when
    /// the aggregate is not known statically) sealed, as ``sealPersonalFields(_:of:stream:)``.
    ///
    /// - Throws: ``CommandError`` `conflict` when that user's personal data was erased,
    ///   `unavailable` when the key table cannot be reached.
    package func sealPersonalFields(
        _ events: [EventData], rules personal: [String: PersonalFieldRule], stream: StreamName
    ) async throws(CommandError) -> [EventData] {
        guard !personal.isEmpty else { return events }
        var result = events
        var keys: [UUID: SymmetricKey] = [:]
        for index in result.indices {
            guard let rule = personal[result[index].type] else { continue }
            do throws(PersonalDataError) {
                guard let owner = try PersonalPayload.owner(in: result[index].data, rule: rule) else { continue }
                // One key read per user and command, however many of its events are sealed.
                let key: SymmetricKey
                if let known = keys[owner.user] {
                    key = known
                } else {
                    key = try await personalDataKeys.key(for: owner.user, tenantID: owner.tenant)
                    keys[owner.user] = key
                }
                result[index].data = try PersonalPayload.seal(result[index].data, fields: rule.fields, owner: owner.user, key: key, stream: stream.rawValue)
            } catch {
                throw CommandError(error)
            }
        }
        return result
    }

    /// Whether any of `recorded` may hold an envelope (a byte search): such a stream is opened with
    /// the key table and its state is never cached.
    package func holdsEnvelopes(_ recorded: [RecordedEvent]) -> Bool {
        recorded.contains { PersonalPayload.mayHoldEnvelopes($0.data) }
    }

    /// `recorded` with the envelopes of its personal fields (``PersonalFields/all``) opened, or
    /// read as erased: what `decide` sees. Streams without envelopes do not read the key table.
    /// - Throws: ``CommandError`` `unavailable` when the key table cannot be read or an envelope
    ///   cannot be opened.
    package func revealPersonalFields(_ recorded: [RecordedEvent]) async throws(CommandError) -> [RecordedEvent] {
        do throws(PersonalDataError) {
            return try await personalDataKeys.reveal(recorded, rules: PersonalFields.all)
        } catch {
            throw CommandError(error)
        }
    }
}

extension CommandError {
    /// The command error of a failure to seal or reveal personal data: `conflict` for an erased
    /// user, `unavailable` otherwise (an undecryptable envelope is a stored fault, not the caller's).
    package init(_ error: PersonalDataError) {
        if error.code == .erased {
            self.init(.conflict, error.message, underlying: error)
        } else {
            self.init(.unavailable, "personal data cannot be read or stored right now; retry it", underlying: error)
        }
    }
}
