import Basics

extension EventMetadata {
    /// Whether any field, extra key or extra value holds a NUL character, which `jsonb` cannot store.
    var containsNUL: Bool {
        let fields = [tenantID, actorID, deviceID, mutationID, correlationID, causationID]
        if fields.contains(where: { $0?.utf8.contains(0) == true }) { return true }
        return extra?.contains { $0.key.utf8.contains(0) || $0.value.utf8.contains(0) } ?? false
    }

    /// The metadata as a compact JSON object with sorted keys, written by hand: this runs once per
    /// appended event, and a general-purpose encoder costs more than the insert it prepares.
    var jsonString: String {
        var out = "{"
        var first = true
        func field(_ key: String, _ value: String?) {
            guard let value else { return }
            if !first { out += "," }
            first = false
            out += "\"\(key)\":"
            JSONString.append(value, to: &out)
        }
        field("actor", actorID)
        field("causation", causationID)
        field("correlation", correlationID)
        field("device", deviceID)
        if let extra, !extra.isEmpty {
            if !first { out += "," }
            first = false
            out += "\"extra\":{"
            for (index, key) in extra.keys.sorted().enumerated() {
                if index > 0 { out += "," }
                JSONString.append(key, to: &out)
                out += ":"
                JSONString.append(extra[key] ?? "", to: &out)
            }
            out += "}"
        }
        field("mutation", mutationID)
        field("tenant", tenantID)
        out += "}"
        return out
    }
}
