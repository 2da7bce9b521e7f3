import Commands
import Domain
import EventStore

extension SyncPushBatch {
    /// Step 2: loads every stream the steps touch, in one query, and folds each into its state.
    ///
    /// A stream whose state the command service has cached is read only after the cached version
    /// and folded on from the cached state; every state loaded is cached for the next batch (never
    /// one of an aggregate with personal fields).
    /// - Throws: ``CommandError`` `unavailable` when the database failed or a stored event does not
    ///   decode with this build.
    func load(_ steps: [PlannedStep]) async throws(CommandError) -> [StreamName: StreamState] {
        var byStream: [StreamName: PlannedCommand.Step] = [:]
        for planned in steps where byStream[planned.step.stream] == nil { byStream[planned.step.stream] = planned.step }
        var cached: [StreamName: AggregateStateCache.Entry] = [:]
        for (stream, step) in byStream where step.cacheable {
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
            var history = recorded[stream] ?? []
            var entry = cached[stream]
            if let stale = entry, let first = history.first, first.streamVersion != stale.version + 1 {
                // Not the events right after the cached version: forget the entry, read it all.
                commands.stateCache.remove(stream)
                entry = nil
                do {
                    history = try await commands.store.readAll(stream: stream)
                } catch {
                    throw CommandError(error)
                }
            }
            let state = try step.fold(commands, entry?.state, history)
            let version = history.last?.streamVersion ?? entry?.version ?? 0
            if step.cacheable, version > 0, entry == nil || !history.isEmpty {
                commands.stateCache.store(AggregateStateCache.Entry(state: state, version: version), for: stream)
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
