import SyncProtocol
import Testing

@testable import SyncServer

@Suite("The mutation planner's table")
struct MutationPlannerTests {
    @Test("every mutation name has exactly one builder, in the file of its aggregate")
    func everyMutationHasOneBuilder() {
        // Given the builders of every aggregate.
        let families: [[MutationName: MutationPlanner.Builder]] = [
            MutationPlanner.todoBuilders, MutationPlanner.notificationBuilders, MutationPlanner.announcementBuilders,
            MutationPlanner.orderBuilders, MutationPlanner.userBuilders, MutationPlanner.deviceBuilders,
            MutationPlanner.pushPreferencesBuilders, MutationPlanner.tenantBuilders,
        ]
        // Then no name is built twice, and the joined table covers every name.
        #expect(families.map(\.count).reduce(0, +) == MutationName.allCases.count)
        for name in MutationName.allCases {
            #expect(families.filter { $0[name] != nil }.count == 1, "\(name.rawValue)")
            #expect(MutationPlanner.builders[name] != nil, "\(name.rawValue)")
        }
    }
}
