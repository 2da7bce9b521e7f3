import Foundation
import Testing

/// The device statuses the registry can hold are the ones the client documents list. Reads the
/// files of the repository; needs no database.
@Suite("Device statuses in the documents")
struct DeviceStatusDocumentTests {
    /// The statuses `read.devices` allows: its `CHECK (status IN (…))` in `DeviceRow.swift`.
    static func registryStatuses() throws -> [String] {
        let source = try OpenAPIDocumentTests.text("Sources/Projections/ReadModels/Devices/DeviceRow.swift")
        let check = try #require(source.firstMatch(of: #/status text NOT NULL CHECK \(status IN \((?<list>[^)]*)\)\)/#))
        return check.output.list.split(separator: ",").map {
            $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "'"))
        }
    }

    @Test("protocol.md lists every status a device row can have, `disabled` included")
    func protocolListsEveryStatus() throws {
        // Given the statuses the registry allows
        let statuses = try Self.registryStatuses()
        #expect(statuses.contains("disabled"))

        // When the devices row of protocol.md is read
        let text = try OpenAPIDocumentTests.text("docs/protocol.md")
        let row = try #require(text.split(separator: "\n").first { $0.hasPrefix("| `devices` | `device_id` |") })
        let listed = try #require(row.firstMatch(of: #/`status` \((?<list>[^)]*)\)/#))

        // Then each status is named there
        for status in statuses {
            #expect(listed.output.list.contains("`\(status)`"), "protocol.md does not list the device status \(status)")
        }
    }

    @Test("openapi.yaml's DeviceRow enumerates every status a device row can have")
    func openAPIListsEveryStatus() throws {
        // Given the statuses the registry allows
        let statuses = try Self.registryStatuses()

        // When the DeviceRow schema of the document is read
        let yaml = try OpenAPIDocumentTests.text("docs/openapi.yaml")
        let schema = try #require(yaml.range(of: "    DeviceRow:\n"))
        let rest = yaml[schema.upperBound...]
        let end = rest.range(of: "\n    [A-Za-z]", options: .regularExpression)?.lowerBound ?? rest.endIndex
        let body = rest[..<end]
        let statusEnum = try #require(body.firstMatch(of: #/status:[\s\S]*?enum: \[(?<list>[^\]]*)\]/#))
        let listed = statusEnum.output.list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }

        // Then they are the same set
        #expect(Set(listed) == Set(statuses))
    }
}
