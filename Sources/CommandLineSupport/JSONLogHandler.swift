import Basics
import Foundation
import Logging

/// A log handler that writes one JSON object per line (`--log-format json`), for log collectors:
///
/// ```json
/// {"time":"2025-01-31T12:00:00.123Z","level":"info","label":"tidemark.server","message":"request finished","source":"SyncServer","hb.request.id":"…","http.status":"200"}
/// ```
///
/// `time` is UTC with milliseconds, `source` the module that logged. The metadata follows,
/// flattened: every key at the top level (nested dictionaries as `key.inner`), each value a
/// string (a list: an array of strings). A metadata key that is one of the five fixed names, or
/// repeats one already written, gets the prefix `metadata.`. Text is escaped as JSON, so a line
/// never breaks, whatever a message or a client-supplied value holds.
public struct JSONLogHandler: LogHandler {
    /// The fixed members of every line.
    static let fixedKeys: Set<String> = ["time", "level", "label", "message", "source"]

    /// The logger's label.
    public let label: String
    /// The handler's own metadata (`logger[metadataKey:]`).
    public var metadata: Logger.Metadata = [:]
    /// Adds contextual metadata to every line.
    public var metadataProvider: Logger.MetadataProvider?
    /// The lowest level written.
    public var logLevel: Logger.Level = .info
    private let write: @Sendable (String) -> Void

    /// A handler writing to standard error.
    public static func standardError(label: String) -> JSONLogHandler {
        // One write per line, so lines of concurrent requests do not interleave.
        JSONLogHandler(label: label) { line in FileHandle.standardError.write(Data(line.utf8)) }
    }

    /// A handler passing each line (with its newline) to `write`.
    public init(label: String, metadataProvider: Logger.MetadataProvider? = nil, write: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.metadataProvider = metadataProvider
        self.write = write
    }

    /// The handler's metadata value for `key`.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes `event` as one line.
    public func log(event: LogEvent) {
        write(line(for: event, at: Date()))
    }

    /// The line (ending in a newline) for `event` logged at `time`.
    func line(for event: LogEvent, at time: Date) -> String {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        if let error = event.error, merged["error"] == nil { merged["error"] = .string(String(reflecting: error)) }
        var output = "{\"time\":"
        JSONString.append(time.formatted(Self.timeFormat), to: &output)
        output += ",\"level\":"
        JSONString.append(event.level.rawValue, to: &output)
        output += ",\"label\":"
        JSONString.append(label, to: &output)
        output += ",\"message\":"
        JSONString.append(event.message.description, to: &output)
        output += ",\"source\":"
        JSONString.append(event.source, to: &output)
        var written = Self.fixedKeys
        for (key, value) in Self.flattened(merged) {
            var name = key
            while !written.insert(name).inserted { name = "metadata." + name }
            output += ","
            JSONString.append(name, to: &output)
            output += ":"
            switch value {
            case .string(let text):
                JSONString.append(text, to: &output)
            case .list(let items):
                output += "[" + items.map(JSONString.quoted).joined(separator: ",") + "]"
            }
        }
        output += "}\n"
        return output
    }

    /// ISO 8601 in UTC with milliseconds: `2025-01-31T12:00:00.123Z`.
    static let timeFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)

    /// A flattened metadata value.
    enum Flat {
        case string(String)
        case list([String])
    }

    /// `metadata` with nested dictionaries flattened to dotted keys, sorted by key.
    static func flattened(_ metadata: Logger.Metadata, prefix: String = "") -> [(String, Flat)] {
        var result: [(String, Flat)] = []
        for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
            let name = prefix + key
            switch value {
            case .string(let text): result.append((name, .string(text)))
            case .stringConvertible(let convertible): result.append((name, .string(convertible.description)))
            case .dictionary(let inner): result += flattened(inner, prefix: name + ".")
            case .array(let items): result.append((name, .list(items.map(\.description))))
            }
        }
        return result
    }
}
