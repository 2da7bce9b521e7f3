#if canImport(Glibc)
    import Glibc
#endif

/// Moves the calling thread into a cgroup (Linux): ``PasswordHasher``'s threads, so that the
/// scheduler weighs bcrypt as a group of its own (the cgroup's `cpu.weight` or `cpu.shares`)
/// instead of as part of the server process's group, which shares the cores with PostgreSQL and
/// other processes as an equal. A nice value only orders threads within one group.
enum ThreadCgroup {
    /// The file of `directory` that takes thread IDs: `cgroup.threads` when it exists (cgroup v2,
    /// where the cgroup must be `threaded`), else `tasks` (cgroup v1).
    static func threadsFile(in directory: String) -> String {
        let base = directory.hasSuffix("/") ? String(directory.dropLast()) : directory
        let v2 = base + "/cgroup.threads"
        #if os(Linux)
            if access(v2, F_OK) == 0 { return v2 }
        #endif
        return base + "/tasks"
    }

    /// Writes the calling thread's ID to the thread file of `directory` (``threadsFile(in:)``).
    /// - Returns: The thread's ID.
    static func moveCallingThread(into directory: String) -> Result<Int32, PasswordCgroupError> {
        let file = threadsFile(in: directory)
        #if os(Linux)
            guard let tid = currentThreadID() else { return .failure(PasswordCgroupError(file: file, reason: .noThreadID)) }
            let descriptor = open(file, O_WRONLY | O_APPEND | O_CLOEXEC)
            guard descriptor >= 0 else { return .failure(PasswordCgroupError(file: file, reason: .open(errno: errno))) }
            defer { close(descriptor) }
            let bytes = Array("\(tid)\n".utf8)
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard written == bytes.count else { return .failure(PasswordCgroupError(file: file, reason: .write(errno: written < 0 ? errno : EIO))) }
            return .success(tid)
        #else
            return .failure(PasswordCgroupError(file: file, reason: .unsupported))
        #endif
    }

    /// The calling thread's ID (Linux), from the link `/proc/thread-self` (`<pid>/task/<tid>`).
    static func currentThreadID() -> Int32? {
        #if os(Linux)
            var buffer = [CChar](repeating: 0, count: 64)
            let count = readlink("/proc/thread-self", &buffer, buffer.count - 1)
            guard count > 0 else { return nil }
            let target = String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return target.split(separator: "/").last.flatMap { Int32($0) }
        #else
            return nil
        #endif
    }

    /// The system's message for error number `code`.
    static func message(_ code: Int32) -> String {
        #if canImport(Glibc)
            guard let text = strerror(code) else { return "error \(code)" }
            return String(cString: text)
        #else
            return "error \(code)"
        #endif
    }
}
