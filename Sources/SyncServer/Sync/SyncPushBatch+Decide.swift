import Commands
import Domain
import EventStore

extension SyncPushBatch {
    /// Step 2: loads every stream the steps touch, in one query, opens their personal fields and
    /// folds each into its state.
    ///
    /// A stream whose state the command service has cached is read only after the cached version
    /// and folded on from the cached state; every state loaded is cached for the next batch, except
    /// a stream that holds sealed personal data (read whole and opened, as in `CommandService.load`).
    /// - Throws: ``CommandError`` `unavailable` when the database failed or a stored event does not
    ///   decode with this build.
    func load(_ steps: [PlannedStep]) async throws(CommandError) -> [StreamName: StreamState] {
        var byStream: [StreamName: PlannedCommand.Step] = [:]
        for planned in steps where byStream[planned.step.stream] == nil { byStream[planned.step.stream] = planned.step }
        var cached: [StreamName: AggregateStateCache.Entry] = [:]
        for stream in byStream.keys {
            cached[stream] = commands.stateCache.entry(for: stream)
        }
        var recorded: [StreamName: [RecordedEvent]]
        do {
            if cached.isEmpty {
                recorded = try await commands.store.readAll(streams: Array(byStream.keys))
            } else {
                recorded = try await commands.store.readAll(streamsFrom: byStream.mapValues { _ in 1 }.merging(cached.mapValues { $0.version + 1 }) { $1 })
            }
        } catch {
            throw CommandError(error)
        }
        var states: [StreamName: StreamState] = [:]
        for (stream, step) in byStream {
            let (state, version) = try await commands.resumeState(of: stream, cached: cached[stream], recorded: recorded[stream] ?? []) {
                initial, events throws(CommandError) -> any Sendable in
                try step.fold(commands, initial, events)
            }
            states[stream] = StreamState(state: state, version: version, loadedVersion: version)
        }
        return states
    }

    /// Step 3: decides the steps in order, each against the state the earlier ones left, and
    /// collects their events; a refused step gets its refusal in `plan.decided`.
    /// - Returns: The events to append.
    /// - Throws: ``CommandError`` `unavailable` when a step could not be decided for a reason other
    ///   than a refusal.
    func decide(_ plan: inout Plan, states: inout [StreamName: StreamState], parts: [Part]) throws(CommandError) -> Appends {
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
                let decided = plan.decided[planned.index]
                plan.decided[planned.index].result = rejection(decided.mutation, error, part: parts[decided.part])
                plan.decided[planned.index].stream = nil
            }
        }
        return appends
    }

    /// Step 3b: seals the personal fields of the events to append (``PersonalFields/all``), as
    /// `CommandService.execute` does: the log never holds them in clear, whichever path wrote them.
    /// - Returns: The appends, sealed; `nil` when an event holds personal data of an erased user,
    ///   so that the batch runs one mutation at a time and only that mutation is refused.
    /// - Throws: ``CommandError`` `unavailable` when the key table cannot be reached.
    func seal(_ appends: Appends) async throws(CommandError) -> Appends? {
        var sealed = appends
        for (stream, events) in appends.events {
            do throws(CommandError) {
                sealed.events[stream] = try await commands.sealPersonalFields(events, rules: PersonalFields.all, stream: stream)
            } catch  where error.code == .conflict {
                return nil
            }
        }
        return sealed
    }
}
