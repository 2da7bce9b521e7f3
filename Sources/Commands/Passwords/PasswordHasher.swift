import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Runs ``PasswordHashing``'s slow, blocking bcrypt calls where they cannot stall other work: on a
/// dedicated `NIOThreadPool` of a few threads, as hummingbird-auth recommends, never on Swift's
/// cooperative pool (which has one thread per core: on two cores, two sign-ins would otherwise
/// stop every other request for the length of a bcrypt).
///
/// The pool's thread count bounds the CPU that password checks can take at once; further checks
/// wait in the pool's queue. With a ``nice`` value above 0 (servers: ``serverNice``) the pool's
/// threads run at that lower scheduling priority (Linux): among the process's threads, those
/// serving other requests are scheduled first, and sign-ins still get every idle cycle. (Other
/// processes of the host are not affected: with autogroups, the kernel shares the cores between
/// sessions before it looks at nice values; see docs/benchmarks.md, "Logins".) Given a ``cgroup``
/// (servers: `serve --password-cgroup`), the threads move into it when the pool starts, so that
/// the scheduler weighs bcrypt as a group of its own rather than as part of the process: with a low
/// CPU weight there, other processes (PostgreSQL above all) no longer wait behind sign-ins.
/// ``inline`` runs the calls on the calling task instead, for command-line tools and tests that
/// hash a handful of passwords.
///
/// ```swift
/// let hasher = PasswordHasher(threads: 1)   // started; call shutdown() when done
/// let hash = try await hasher.hash("correct horse battery staple", cost: 10)
/// let ok = try await hasher.verify("correct horse battery staple", against: hash)
/// try await hasher.shutdown()
/// ```
public struct PasswordHasher: Sendable {
    private let pool: NIOThreadPool?
    private let queued: NIOLockedValueBox<Int>

    /// The number of threads password checks run on; `0` when they run inline.
    public let threads: Int
    /// The most calls that may wait or run at once; one more is refused at once with
    /// ``PasswordHasherError/busy`` instead of joining a queue it would time out in.
    public let maxQueued: Int
    /// The nice value (0-19) of the pool's threads on Linux; 0 leaves them at the process's priority.
    public let nice: Int
    /// The cgroup directory the pool's threads were to move into when it started; `nil`: none.
    public let cgroup: String?
    /// The pool's threads that moved into ``cgroup`` (0 without one, or when it failed).
    public let threadsInCgroup: Int
    /// Why a thread could not move into ``cgroup``, if one could not (the first error; the
    /// hasher works the same, its threads stay in the process's group).
    public let cgroupError: PasswordCgroupError?

    /// Creates and starts a hasher with its own pool of `threads` threads (at least one).
    /// Call ``shutdown()`` when it is no longer needed.
    /// - Parameters:
    ///   - threads: Threads of the pool.
    ///   - maxQueued: The most calls waiting or running at once (default: 16 per thread, about a
    ///     second of work at cost 10 on idle cores). Under overload a queue without bound makes
    ///     every sign-in wait past its deadline, so none succeeds; a refused one is retried later.
    ///   - nice: The nice value (0-19) of the pool's threads on Linux (default 0: the process's
    ///     priority); servers use ``serverNice``.
    ///   - cgroup: A cgroup directory (Linux; cgroup v2: a `threaded` cgroup, v1: one of the `cpu`
    ///     hierarchy) that each of the pool's threads moves into before its first call; `nil`
    ///     (default): none. A failure is reported in ``cgroupError`` and changes nothing else.
    public init(threads: Int, maxQueued: Int? = nil, nice: Int = 0, cgroup: String? = nil) {
        let count = max(1, threads)
        let pool = NIOThreadPool(numberOfThreads: count)
        pool.start()
        self.pool = pool
        self.threads = count
        self.maxQueued = max(1, maxQueued ?? count * 16)
        self.nice = min(19, max(0, nice))
        self.queued = NIOLockedValueBox(0)
        self.cgroup = cgroup
        if let cgroup {
            let outcomes = Self.placeThreads(of: pool, count: count, into: cgroup)
            self.threadsInCgroup = outcomes.filter { (try? $0.get()) != nil }.count
            self.cgroupError =
                outcomes.lazy.compactMap { outcome -> PasswordCgroupError? in
                    if case .failure(let error) = outcome { return error }
                    return nil
                }.first
        } else {
            self.threadsInCgroup = 0
            self.cgroupError = nil
        }
    }

    private init(inlinePool: Void) {
        self.pool = nil
        self.threads = 0
        self.maxQueued = .max
        self.nice = 0
        self.queued = NIOLockedValueBox(0)
        self.cgroup = nil
        self.threadsInCgroup = 0
        self.cgroupError = nil
    }

    /// Runs one job per thread of `pool` that moves its thread into `cgroup`; each job waits
    /// until all have started (at most a second), so that no thread takes two of them. Returns
    /// each job's outcome (fewer when some did not start within 5 seconds).
    private static func placeThreads(of pool: NIOThreadPool, count: Int, into cgroup: String) -> [Result<Int32, PasswordCgroupError>] {
        let allStarted = ConditionLock(value: false)
        let outcomes = NIOLockedValueBox<[Result<Int32, PasswordCgroupError>]>([])
        for _ in 0..<count {
            pool.submit { _ in
                let started = outcomes.withLockedValue { outcomes in
                    outcomes.append(ThreadCgroup.moveCallingThread(into: cgroup))
                    return outcomes.count
                }
                if started == count {
                    allStarted.lock()
                    allStarted.unlock(withValue: true)
                } else if allStarted.lock(whenValue: true, timeoutSeconds: 1) {
                    allStarted.unlock()
                }
            }
        }
        if allStarted.lock(whenValue: true, timeoutSeconds: 5) { allStarted.unlock() }
        return outcomes.withLockedValue { $0 }
    }

    /// The calls waiting or running now.
    public var queuedCount: Int { queued.withLockedValue { $0 } }

    /// A hasher that runs every call on the calling task (tools and tests; not for servers).
    public static let inline = PasswordHasher(inlinePool: ())

    /// The default thread count for a server on this machine: one per core. Sign-ins then get
    /// their fair share of the CPU next to everything else (the operating system schedules the
    /// threads), while the cooperative pool that serves every other request stays free.
    public static var defaultThreads: Int { max(1, System.coreCount) }

    /// The nice value a server gives its password threads: 10, about a tenth of the CPU weight of
    /// a thread serving other requests, so that those are scheduled first during a sign-in storm;
    /// when nothing else runs, bcrypt gets the whole machine as before. (On the busy 2-core VM of
    /// docs/benchmarks.md, "Logins", `synccli bench auth` could not tell it from 0.)
    public static let serverNice = 10

    /// Hashes a password with a fresh salt (``PasswordHashing/hash(_:cost:)``) on the pool.
    /// - Throws: ``PasswordHasherError``: `.invalid` with the ``BcryptError`` for a bad cost or
    ///   password, `.busy` when ``maxQueued`` calls are under way, `.cancelled` when the task was
    ///   cancelled while it waited, `.unavailable` when the pool has been shut down.
    public func hash(_ password: String, cost: Int) async throws(PasswordHasherError) -> String {
        try await run { () throws(BcryptError) in try PasswordHashing.hash(password, cost: cost) }
    }

    /// Checks a password against a stored hash (``PasswordHashing/verify(_:against:)``) on the pool.
    /// - Returns: `true` when the password matches.
    /// - Throws: ``PasswordHasherError``: `.invalid` with the ``BcryptError`` for a malformed hash
    ///   or password, `.busy`, `.cancelled` or `.unavailable` as for ``hash(_:cost:)``.
    public func verify(_ password: String, against hash: String) async throws(PasswordHasherError) -> Bool {
        try await run { () throws(BcryptError) in try PasswordHashing.verify(password, against: hash) }
    }

    /// Stops the pool's threads once the calls under way have finished. A no-op for ``inline``.
    public func shutdown() async throws {
        try await pool?.shutdownGracefully()
    }

    private func run<T: Sendable>(_ body: @escaping @Sendable () throws(BcryptError) -> T) async throws(PasswordHasherError) -> T {
        guard let pool else {
            do { return try body() } catch { throw .invalid(error) }
        }
        let admitted = queued.withLockedValue { count in
            guard count < maxQueued else { return false }
            count += 1
            return true
        }
        guard admitted else { throw .busy }
        defer { queued.withLockedValue { $0 -= 1 } }
        let outcome: Result<T, BcryptError>
        let nice = nice
        do {
            outcome = try await pool.runIfActive {
                ThreadNice.atLeast(nice)
                return Result<T, BcryptError>(catching: body)
            }
        } catch is CancellationError where Task.isCancelled {
            throw .cancelled
        } catch {
            // The pool answers a call after its shutdown with a `CancellationError` as well.
            throw .unavailable
        }
        switch outcome {
        case .success(let value): return value
        case .failure(let error): throw .invalid(error)
        }
    }
}
