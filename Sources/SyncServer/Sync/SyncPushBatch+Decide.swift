import Commands
import Domain
import EventStore

extension SyncPushBatch {
    /// Step 2: loads every stream the steps touch, in one query, and folds each into its state.
    /// - Throws: ``CommandError`` `unavailable` when the database failed or a stored event does not
    ///   decode with this build.
    func load(_ steps: [PlannedStep]) async throws(CommandError) -> [StreamName: StreamState] {
        let streams = Array(Set(steps.map(\.step.stream)))
        let recorded: [StreamName: [RecordedEvent]]
        do {
            recorded = try await commands.store.readAll(streams: streams)
        } catch {
            throw CommandError(error)
        }
        var states: [StreamName: StreamState] = [:]
        for planned in steps where states[planned.step.stream] == nil {
            let history = recorded[planned.step.stream] ?? []
            let version = history.last?.streamVersion ?? 0
            states[planned.step.stream] = StreamState(state: try planned.step.fold(commands, history), version: version, loadedVersion: version)
        }
        return states
    }

    /// Step 3: decides the steps in order, each against the state the earlier ones left, and
    /// collects their events; a refused step gets its refusal in `plan.decided`.
    /// - Returns: The events to append.
    /// - Throws: ``CommandError`` `unavailable` when a step could not be decided for a reason other
    ///   than a refusal.
    func decide(_ plan: inout Plan, states: inout [StreamName: StreamState], identity: Identity) throws(CommandError) -> Appends {
        var appends = Appends()
        let now = commands.now()
        for planned in plan.steps {
            let stream = planned.step.stream
            guard let current = states[stream] else { continue }
            let context = CommandContext(principal: planned.envelope.principal, now: now, deviceID: planned.envelope.deviceID)
            do throws(CommandError) {
                let (state, new) = try planned.step.decide(commands, current.state, context, planned.envelope)
                if appends.events[stream] == nil, !new.isEmpty { appends.streams.append(stream) }
                let start = appends.events[stream, default: []].count
                if !new.isEmpty { appends.events[stream, default: []].append(contentsOf: new) }
                appends.logOrder += Array(repeating: stream, count: new.count)
                let version = current.version + Int64(new.count)
                states[stream] = StreamState(state: state, version: version, loadedVersion: current.loadedVersion)
                plan.decided[planned.index].eventRange = start..<(start + new.count)
                plan.decided[planned.index].eventTypes = new.map(\.type)
                plan.decided[planned.index].streamVersion = version
            } catch  where error.code == .unavailable {
                throw error
            } catch {
                plan.decided[planned.index].result = rejection(plan.decided[planned.index].mutation, error, identity: identity)
                plan.decided[planned.index].stream = nil
            }
        }
        return appends
    }
}
