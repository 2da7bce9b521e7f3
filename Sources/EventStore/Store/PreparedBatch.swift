import Foundation
import PostgresNIO

/// A validated batch of events, converted to the column arrays the append statement binds.
struct PreparedBatch: Sendable {
    var ids: [UUID] = []
    var tenants: [String] = []
    var types: [String] = []
    var schemaVersions: [Int32] = []
    var data: [String] = []
    var metadata: [String] = []

    var count: Int { ids.count }

    /// An empty batch, filled with ``append(_:of:)`` from batches already validated.
    init() {}

    /// Validates `events` against the store's rules and prepares them.
    /// - Throws: `emptyBatch`, `invalidEventType`, `invalidJSON`, `payloadTooLarge`, `invalidArgument`.
    init(_ events: [EventData], stream: StreamName, configuration: EventStoreConfiguration) throws(EventStoreError) {
        guard !events.isEmpty else {
            throw EventStoreError(.emptyBatch, "an append to '\(stream)' must carry at least one event", stream: stream.rawValue)
        }
        guard events.count <= configuration.maxBatchEvents else {
            throw EventStoreError(
                .invalidArgument,
                "an append may carry at most \(configuration.maxBatchEvents) events; this one has \(events.count)",
                stream: stream.rawValue
            )
        }
        if let repeated = Self.firstRepeatedID(in: events) {
            throw EventStoreError(.duplicateEventID, "event id \(repeated) appears twice in one append", stream: stream.rawValue)
        }
        ids.reserveCapacity(events.count)
        tenants.reserveCapacity(events.count)
        types.reserveCapacity(events.count)
        schemaVersions.reserveCapacity(events.count)
        data.reserveCapacity(events.count)
        metadata.reserveCapacity(events.count)
        var previousMetadata: (EventMetadata, String)?
        var previousType: String?
        for (index, event) in events.enumerated() {
            // The events of one append usually share their type: check each distinct one once.
            guard event.type == previousType || Self.isValidType(event.type) else {
                throw EventStoreError(
                    .invalidEventType,
                    "event #\(index + 1) has type '\(event.type.prefix(80))': use 1-100 letters, digits, '_' or '.', starting with a letter",
                    stream: stream.rawValue
                )
            }
            guard (1...Int(Int32.max)).contains(event.schemaVersion) else {
                throw EventStoreError(
                    .invalidEventType, "event #\(index + 1) has schema version \(event.schemaVersion); it must be 1 or more", stream: stream.rawValue)
            }
            // The events of one command usually share their metadata: encode it once.
            let metadataJSON: String
            if let previous = previousMetadata, previous.0 == event.metadata {
                metadataJSON = previous.1
            } else {
                if event.metadata.containsNUL {
                    throw EventStoreError(.invalidJSON, "event #\(index + 1) has metadata with a NUL character", stream: stream.rawValue)
                }
                metadataJSON = event.metadata.jsonString
                previousMetadata = (event.metadata, metadataJSON)
            }
            let size = event.data.count + metadataJSON.utf8.count
            guard size <= configuration.maxPayloadBytes else {
                throw EventStoreError(
                    .payloadTooLarge,
                    "event #\(index + 1) (\(event.type)) is \(size) bytes; the limit is \(configuration.maxPayloadBytes) bytes",
                    stream: stream.rawValue
                )
            }
            guard let json = Self.validJSONObject(event.data) else {
                throw EventStoreError(.invalidJSON, "event #\(index + 1) (\(event.type)) does not carry a JSON object as its data", stream: stream.rawValue)
            }
            previousType = event.type
            ids.append(event.id)
            tenants.append(event.metadata.tenantID ?? "")
            types.append(event.type)
            schemaVersions.append(Int32(event.schemaVersion))
            data.append(json)
            metadata.append(metadataJSON)
        }
    }

    /// The first event id that appears twice, or `nil`.
    ///
    /// Ids made by ``Foundation/UUID/timeOrdered(now:)`` one after another usually ascend: then a
    /// single pass of comparisons proves them distinct, without hashing a hundred UUIDs.
    static func firstRepeatedID(in events: [EventData]) -> UUID? {
        var ascending = true
        var previous: (UInt64, UInt64)?
        for event in events {
            let key = event.id.orderKey
            if let last = previous, !(last < key) {
                ascending = false
                break
            }
            previous = key
        }
        if ascending { return nil }
        var seen = Set<UUID>(minimumCapacity: events.count)
        for event in events where !seen.insert(event.id).inserted { return event.id }
        return nil
    }

    /// Binds the six event columns (ids, tenants, types, schema versions, data, metadata), in the
    /// order every array append statement takes them.
    ///
    /// Metadata is bound per event. Binding each distinct value once with per-event indexes
    /// (`values[index]` in SQL) was tried: it saved parsing for batches that share metadata, but a
    /// push, whose mutations each have their own metadata, ran at 0.48-0.69 of raw inserts
    /// instead of 0.9 (likely the per-row element look-up in a `jsonb[]` of a hundred values; not
    /// investigated further).
    func bind(into bindings: inout PostgresBindings) {
        bindings.append(ids)
        bindings.append(tenants)
        bindings.append(types)
        bindings.append(schemaVersions)
        bindings.append(data)
        bindings.append(metadata)
    }

    /// Appends event `index` of `other` (already validated) to this batch.
    mutating func append(_ index: Int, of other: PreparedBatch) {
        ids.append(other.ids[index])
        tenants.append(other.tenants[index])
        types.append(other.types[index])
        schemaVersions.append(other.schemaVersions[index])
        data.append(other.data[index])
        metadata.append(other.metadata[index])
    }

    /// Validates an append to several streams: each stream once, each event id once.
    /// - Throws: `emptyBatch`, `invalidArgument`, `duplicateEventID` and every error of ``init(_:stream:configuration:)``.
    static func prepare(
        _ appends: [StreamAppend], configuration: EventStoreConfiguration
    ) throws(EventStoreError) -> [(stream: StreamName, expected: ExpectedVersion, batch: PreparedBatch)] {
        guard !appends.isEmpty else {
            throw EventStoreError(.emptyBatch, "an atomic append must name at least one stream")
        }
        var seenStreams = Set<StreamName>()
        var seenIDs = Set<UUID>()
        var parts: [(stream: StreamName, expected: ExpectedVersion, batch: PreparedBatch)] = []
        var total = 0
        for part in appends {
            guard seenStreams.insert(part.stream).inserted else {
                throw EventStoreError(.invalidArgument, "stream '\(part.stream)' appears twice in one atomic append", stream: part.stream.rawValue)
            }
            let batch = try PreparedBatch(part.events, stream: part.stream, configuration: configuration)
            for id in batch.ids where !seenIDs.insert(id).inserted {
                throw EventStoreError(.duplicateEventID, "event id \(id) appears twice in one atomic append", stream: part.stream.rawValue)
            }
            total += batch.count
            guard total <= configuration.maxBatchEvents else {
                throw EventStoreError(.invalidArgument, "an atomic append may carry at most \(configuration.maxBatchEvents) events in all")
            }
            parts.append((part.stream, part.expectedVersion, batch))
        }
        return parts
    }

    /// The data as a string when it is a JSON object PostgreSQL's `jsonb` accepts, else `nil`.
    static func validJSONObject(_ data: Data) -> String? {
        guard JSONObjectValidator.isValidObject(data), let text = String(data: data, encoding: .utf8) else { return nil }
        return text
    }

    /// Event type names: 1-100 ASCII letters, digits, `_` or `.`, starting with a letter.
    static func isValidType(_ type: String) -> Bool {
        let bytes = type.utf8
        guard (1...100).contains(bytes.count), let first = bytes.first else { return false }
        func isLetter(_ b: UInt8) -> Bool { (b >= 65 && b <= 90) || (b >= 97 && b <= 122) }
        guard isLetter(first) else { return false }
        return bytes.allSatisfy { isLetter($0) || ($0 >= 48 && $0 <= 57) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }
}
