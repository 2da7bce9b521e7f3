/// Why a ``PasswordHasher`` thread could not be moved into the cgroup it was given
/// (`serve --password-cgroup`). The hasher works the same without the move: its threads then
/// stay in the process's scheduling group, at their nice value.
public struct PasswordCgroupError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What failed.
    public enum Reason: Sendable, Equatable {
        /// Not Linux: threads cannot be placed in cgroups.
        case unsupported
        /// The thread's ID could not be read (`/proc/thread-self`).
        case noThreadID
        /// The cgroup's thread file could not be opened (`errno`): no such cgroup, or no permission.
        case open(errno: Int32)
        /// The kernel refused the thread ID (`errno`), for example a cgroup v2 cgroup that is not
        /// `threaded` (`EOPNOTSUPP`).
        case write(errno: Int32)
    }

    /// The file written to: `<cgroup>/cgroup.threads` (cgroup v2) or `<cgroup>/tasks` (v1).
    public let file: String
    /// What failed.
    public let reason: Reason

    /// Creates the error for `file`.
    public init(file: String, reason: Reason) {
        self.file = file
        self.reason = reason
    }

    /// One line for logs, with the system's message for the error number.
    public var description: String {
        switch reason {
        case .unsupported: "password threads can be placed in a cgroup on Linux only"
        case .noThreadID: "could not read the thread's ID from /proc/thread-self"
        case .open(let code): "could not open \(file): \(ThreadCgroup.message(code))"
        case .write(let code): "\(file) refused the thread: \(ThreadCgroup.message(code))"
        }
    }
}
