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
    /// sealed with the key of the user each payload's `userID` names. The key is created and
    /// committed first when the user has none, so it exists whenever the events commit.
    ///
    /// - Throws: ``CommandError`` `conflict` when that user's personal data was erased,
    ///   `unavailable` when the key table cannot be reached.
    func sealPersonalFields<Event: DomainEvent>(
        _ events: [EventData], of type: Event.Type, stream: StreamName
    ) async throws(CommandError) -> [EventData] {
        let personal = Event.personalFields
        guard !personal.isEmpty else { return events }
        var result = events
        var keys: [UUID: SymmetricKey] = [:]
        for index in result.indices {
            guard let fields = personal[result[index].type] else { continue }
            guard let owner = Self.owner(of: result[index].data) else {
                throw CommandError(.invalid, "event \(result[index].type) names no user whose personal data it holds")
            }
            do throws(PersonalDataError) {
                // One key read per user and command, however many of its events are sealed.
                let key: SymmetricKey
                if let known = keys[owner.user] {
                    key = known
                } else {
                    key = try await personalDataKeys.key(for: owner.user, tenantID: owner.tenant)
                    keys[owner.user] = key
                }
                result[index].data = try PersonalPayload.seal(result[index].data, fields: fields, owner: owner.user, key: key, stream: stream.rawValue)
            } catch {
                throw CommandError(error)
            }
        }
        return result
    }

    /// The `userID` and `tenantID` of an event payload.
    private static func owner(of data: Data) -> (user: UUID, tenant: UUID?)? {
        struct Owner: Decodable {
            var userID: UUID
            var tenantID: UUID?
        }
        guard let owner = try? JSONDecoder().decode(Owner.self, from: data) else { return nil }
        return (owner.userID, owner.tenantID)
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
