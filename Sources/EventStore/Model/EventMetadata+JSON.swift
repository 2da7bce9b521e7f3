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
            Self.appendEscaped(value, to: &out)
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
                Self.appendEscaped(key, to: &out)
                out += ":"
                Self.appendEscaped(extra[key] ?? "", to: &out)
            }
            out += "}"
        }
        field("mutation", mutationID)
        field("tenant", tenantID)
        out += "}"
        return out
    }

    /// Appends `value` as a JSON string literal.
    static func appendEscaped(_ value: String, to out: inout String) {
        out += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
