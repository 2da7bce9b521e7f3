#if canImport(Glibc)
    import Glibc
#endif

/// The scheduling priority ("nice value", 0-19) of the calling thread, which Linux keeps per
/// thread: raised for ``PasswordHasher``'s threads so that the threads serving every other
/// request get the cores first, and bcrypt the rest.
enum ThreadNice {
    /// Lowers the calling thread's priority to nice value `nice` (0-19) unless it is that low
    /// already (a process started with `nice` keeps its own, higher value: lowering a nice value
    /// needs a privilege). Does nothing on other systems, where the value is per process.
    static func atLeast(_ nice: Int) {
        #if os(Linux)
            guard nice > 0, let value = Int32(exactly: min(nice, 19)) else { return }
            // `who` 0 is the calling thread on Linux (NPTL threads each have their own nice value).
            let which = __priority_which_t(PRIO_PROCESS.rawValue)
            guard getpriority(which, 0) < value else { return }
            _ = setpriority(which, 0, value)
        #endif
    }
}
