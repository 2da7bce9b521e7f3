import Foundation
import Testing

@testable import Domain

@Suite("Push preferences")
struct PushPreferencesTests {
    let settings = PushSettings(muted: ["comment"], quietHours: QuietHours(startMinute: 22 * 60, endMinute: 7 * 60), timeZone: "Europe/Berlin")

    @Test("a user sets their own preferences, an admin may too; the same settings again record nothing")
    func setPreferences() throws {
        let command = PushPreferencesCommand.set(Fixture.alice, tenantID: Fixture.tenant, settings)
        let events = try run(PushPreferences.self, nil, command, as: Fixture.aliceP)
        #expect(names(events) == ["PushPreferencesSet"])
        let state = PushPreferences.fold(events)
        #expect(state?.settings == settings)
        #expect(try run(PushPreferences.self, state, command, as: Fixture.aliceP).isEmpty)
        #expect(try run(PushPreferences.self, nil, command, as: Fixture.adminP).count == 1)
        expectRefusal(PushPreferences.self, nil, command, as: Fixture.bobP, .forbidden)
        expectRefusal(PushPreferences.self, nil, command, as: .anonymous, .forbidden)
    }

    @Test(
        "kinds, time zones and quiet hours are validated",
        arguments: [
            PushSettings(muted: ["Not A Slug"]),
            PushSettings(timeZone: "no such/zone!"),
            PushSettings(quietHours: QuietHours(startMinute: 1440, endMinute: 0)),
            PushSettings(quietHours: QuietHours(startMinute: 60, endMinute: 60)),
            PushSettings(muted: Set((0..<51).map { "kind\($0)" })),
        ])
    func invalid(settings: PushSettings) {
        expectRefusal(PushPreferences.self, nil, .set(Fixture.alice, tenantID: Fixture.tenant, settings), as: Fixture.aliceP, .invalid)
    }

    @Test("quiet hours that wrap midnight end the next morning, in the user's time zone")
    func quietHoursEnd() throws {
        let quiet = QuietHours(startMinute: 22 * 60, endMinute: 7 * 60)
        let berlin = try #require(TimeZone(identifier: "Europe/Berlin"))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = berlin
        func local(_ day: Int, _ hour: Int, _ minute: Int) throws -> Date {
            try #require(calendar.date(from: DateComponents(year: 2026, month: 11, day: day, hour: hour, minute: minute)))
        }
        #expect(quiet.end(containing: try local(30, 23, 15), in: berlin) == (try local(30, 7, 0)).addingTimeInterval(86_400))
        #expect(quiet.end(containing: try local(30, 3, 0), in: berlin) == (try local(30, 7, 0)))
        #expect(quiet.end(containing: try local(30, 12, 0), in: berlin) == nil)
        #expect(quiet.end(containing: try local(30, 7, 0), in: berlin) == nil)
        let lunch = QuietHours(startMinute: 12 * 60, endMinute: 13 * 60)
        #expect(lunch.end(containing: try local(30, 12, 30), in: berlin) == (try local(30, 13, 0)))
        #expect(lunch.end(containing: try local(30, 13, 0), in: berlin) == nil)
    }
}
