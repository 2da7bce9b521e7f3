import Foundation
import Testing

extension DrillOutcome {
    /// Records the drill's verdict: nothing lost, nothing applied twice, every replica converged,
    /// every sent delivery received and none more than twice; and the table, printed and (under
    /// `make test-cluster`) appended to the report file.
    func expectClean(_ table: DrillTable) {
        let text = table.render(self)
        print(text)
        if let path = ProcessInfo.processInfo.environment["TIDEMARK_DRILL_REPORT"], let handle = FileHandle(forWritingAtPath: path) {
            handle.seekToEndOfFile()
            handle.write(Data((text + "\n\n").utf8))
            try? handle.close()
        }
        #expect(mutations > 0, "the writers queued nothing")
        #expect(lost == 0, "acknowledged mutations lost\n\(text)")
        #expect(duplicated == 0, "mutations applied twice\n\(text)")
        #expect(rejections.isEmpty, "rejections: \(rejections.prefix(5))")
        #expect(divergentReplicas == 0, "replicas differ from the read model\n\(text)")
        #expect(deliveries > 0, "no delivery was sent")
        #expect(stuckLiveLoops == 0, "\(stuckLiveLoops) live loops did not stop within 10 s of cancellation")
        #expect(deliveriesMissing == 0 && deliveriesMoreThanTwice == 0 && deliveriesNotSent == 0, "\(text)")
        for row in table.rows {
            // The bounds: projections resume on a survivor, and live replicas catch up, within 10 s.
            #expect(row.projectionsResumed.map { $0 <= .seconds(10) } == true, "\(row.failure): projections resumed late\n\(text)")
            #expect(row.liveRecovered.map { $0 <= .seconds(10) } == true, "\(row.failure): live replicas caught up late\n\(text)")
        }
    }
}
