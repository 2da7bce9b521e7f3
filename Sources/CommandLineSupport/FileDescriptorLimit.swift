import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The process's limit on open files (`RLIMIT_NOFILE`): a server with thousands of live sockets,
/// or a load test that opens them, needs more than the usual soft limit of 1,024.
public enum FileDescriptorLimit {
    /// Raises the soft limit on open files to the hard limit, which an unprivileged process may do.
    /// - Returns: The soft limit now in force, or `nil` when it cannot be read.
    @discardableResult
    public static func raiseToHardLimit() -> Int? {
        #if canImport(Glibc)
            var limit = rlimit()
            let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
            guard getrlimit(resource, &limit) == 0 else { return nil }
            if limit.rlim_cur < limit.rlim_max {
                var raised = limit
                raised.rlim_cur = limit.rlim_max
                if setrlimit(resource, &raised) == 0 { return Int(clamping: raised.rlim_cur) }
            }
            return Int(clamping: limit.rlim_cur)
        #else
            return nil
        #endif
    }
}
