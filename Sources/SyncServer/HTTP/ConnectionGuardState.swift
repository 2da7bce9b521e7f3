import NIOCore

/// What ``ConnectionGuard`` does, as a value: the events of one connection go in, the actions
/// come out. It does no I/O and reads no clock (the time is passed in).
///
/// A connection is **waiting** when no request is being read or answered: before the first
/// request and after each answer. Waiting ends the connection after the idle timeout, unless bytes
/// of a new request head arrived; from those first bytes the head has the header timeout to
/// complete. While a request is being read or answered nothing is timed here (the request
/// deadline covers the handler). A decoder error or a refused handshake becomes a refusal, written
/// once the answers in progress are out; after it, input is read and dropped for a short while, so
/// the peer can read the refusal before the connection closes.
struct ConnectionGuardState {
    /// Where the connection stands.
    enum Phase {
        /// No request is being read or answered, since `since`; `firstBytes` once part of a new
        /// head has arrived.
        case waiting(since: NIODeadline, firstBytes: NIODeadline?)
        /// At least one request is being read or answered.
        case busy
        /// Every answer is out, but the last request's body is still arriving (its handler did not
        /// read it); `lastRead` is when bytes last arrived.
        case draining(lastRead: NIODeadline)
        /// A refusal waits for the answers in progress.
        case refusing(ConnectionRefusal)
        /// The refusal is out; input is dropped until the peer closes or `until`.
        case lingering(until: NIODeadline)
        /// Closed, or handed over to the WebSocket handler.
        case done
    }

    /// What to do with an inbound HTTP part.
    enum PartAction: Equatable {
        /// Pass it on.
        case forward
        /// Drop it: the connection is being refused.
        case drop
    }

    /// What to do after an event. The timer is not an action: the guard keeps it at ``deadline``
    /// after every event.
    enum Action {
        case none
        /// Write this error answer, then linger.
        case refuse(ConnectionRefusal)
        /// Close without an answer (idle).
        case closeQuietly
        /// Close (after lingering).
        case close
        /// Close once the answer being written is out.
        case closeAfterWrite
        /// Let the error travel on to Hummingbird.
        case passOn
    }

    private(set) var phase: Phase
    /// Request heads read whose answer's end was not written yet.
    private var openAnswers = 0
    /// A head was read, its end not yet.
    private var readingRequest = false
    /// The read that ended the last request may also hold the start of the next head; its
    /// read-complete event is not taken as the first bytes of a head.
    private var skipReadComplete = false
    /// A request the HTTP decoder took as an upgrade was read: the decoder reads nothing after
    /// it, so the connection closes once its answer is out (unless it switches protocols).
    private(set) var closesAfterAnswers = false
    let headerTimeout: TimeAmount
    let idleTimeout: TimeAmount
    let lingerTime: TimeAmount

    /// A new connection, waiting for its first request since `now`.
    init(limits: ConnectionLimits, lingerTime: TimeAmount = .seconds(2), now: NIODeadline) {
        self.headerTimeout = TimeAmount(limits.headerTimeout)
        self.idleTimeout = TimeAmount(limits.idleTimeout)
        self.lingerTime = lingerTime
        self.phase = .waiting(since: now, firstBytes: nil)
    }

    /// When the timer should fire next, if at all.
    var deadline: NIODeadline? {
        switch phase {
        case .waiting(let since, let firstBytes): firstBytes.map { $0 + headerTimeout } ?? since + idleTimeout
        case .draining(let lastRead): lastRead + idleTimeout
        case .lingering(let until): until
        case .busy, .refusing, .done: nil
        }
    }

    /// A request head was decoded; `upgrade` when the decoder took it as an upgrade request
    /// (`Connection: upgrade` with `Upgrade`, or `CONNECT`).
    mutating func readHead(upgrade: Bool = false) -> PartAction {
        switch phase {
        case .waiting, .busy, .draining:
            if upgrade { closesAfterAnswers = true }
            openAnswers += 1
            readingRequest = true
            phase = .busy
            return .forward
        case .refusing, .lingering, .done:
            return .drop
        }
    }

    /// A body part (`isEnd == false`) or the end of a request was decoded.
    mutating func readBodyPart(isEnd: Bool, now: NIODeadline) -> PartAction {
        switch phase {
        case .busy:
            if isEnd { readingRequest = false }
            return .forward
        case .draining:
            guard isEnd else {
                phase = .draining(lastRead: now)
                return .forward
            }
            readingRequest = false
            skipReadComplete = true
            phase = .waiting(since: now, firstBytes: nil)
            return .forward
        case .waiting:
            // A body part without a head cannot come from the decoder; let the channel handle it.
            return .forward
        case .refusing, .lingering, .done:
            return .drop
        }
    }

    /// A read from the socket ended (bytes arrived, whether or not they completed a part).
    mutating func readComplete(now: NIODeadline) {
        if skipReadComplete {
            skipReadComplete = false
            return
        }
        switch phase {
        case .waiting(let since, nil):
            phase = .waiting(since: since, firstBytes: now)
        case .draining:
            phase = .draining(lastRead: now)
        case .waiting, .busy, .refusing, .lingering, .done:
            break
        }
    }

    /// The end of an answer was written.
    mutating func wroteEnd(now: NIODeadline) -> Action {
        openAnswers = max(openAnswers - 1, 0)
        guard openAnswers == 0 else { return .none }
        switch phase {
        case .busy where closesAfterAnswers:
            phase = .done
            return .closeAfterWrite
        case .busy:
            phase = readingRequest ? .draining(lastRead: now) : .waiting(since: now, firstBytes: nil)
            return .none
        case .refusing(let refusal):
            return .refuse(refusal)
        case .waiting, .draining, .lingering, .done:
            return .none
        }
    }

    /// A new request cannot be served (its head overflowed or is not HTTP, or it is a broken
    /// WebSocket handshake): refuse now, or once the answers in progress are out.
    ///
    /// A decoder error inside the body of a request whose handler runs is not ours to answer: the
    /// handler's body read fails and Hummingbird answers and closes (`.passOn`).
    mutating func fail(_ refusal: ConnectionRefusal) -> Action {
        switch phase {
        case .waiting, .draining:
            return .refuse(refusal)
        case .busy where readingRequest:
            phase = .done
            return .passOn
        case .busy:
            phase = .refusing(refusal)
            return .none
        case .refusing, .lingering, .done:
            return .none
        }
    }

    /// The refusal was written; input is dropped until `now + lingerTime`.
    mutating func refused(now: NIODeadline) {
        phase = .lingering(until: now + lingerTime)
    }

    /// The timer fired.
    mutating func timerFired(now: NIODeadline) -> Action {
        guard let deadline, now >= deadline else { return .none }
        switch phase {
        case .waiting(_, .some):
            return .refuse(.headerTimeout(Duration(headerTimeout)))
        case .waiting(_, nil), .draining:
            phase = .done
            return .closeQuietly
        case .lingering:
            phase = .done
            return .close
        case .busy, .refusing, .done:
            return .none
        }
    }

    /// The server is shutting down: an idle connection closes now; a busy one after its answers
    /// (Hummingbird's own handler sees to that).
    mutating func quiesce() -> Action {
        switch phase {
        case .waiting(_, nil):
            phase = .done
            return .closeQuietly
        case .waiting, .busy, .draining, .refusing, .lingering, .done:
            return .none
        }
    }

    /// The connection closed, or the guard left it (WebSocket upgrade).
    mutating func finish() {
        phase = .done
    }
}
