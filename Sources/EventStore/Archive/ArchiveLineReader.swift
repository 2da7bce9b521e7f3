import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Splits the decompressed bytes of an export file into lines, without copying each line.
final class ArchiveLineReader {
    private let reader: ArchiveFileReader
    private var pending: [UInt8] = []
    private var start = 0
    private var ended = false
    /// Lines handed out so far (1 = the header).
    private(set) var lineNumber = 0

    init(reader: ArchiveFileReader) {
        self.reader = reader
        pending.reserveCapacity(8 << 20)
    }

    /// Calls `body` with each complete line (without its `\n`) available after reading one more
    /// chunk; returns `false` at the end of the file. Bytes after the last `\n` at the end of the
    /// file are handed to `leftover`.
    func readLines(
        _ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Void, leftover: (Int) throws -> Void
    ) throws -> Bool {
        guard !ended else { return false }
        guard let chunk = try reader.next() else {
            ended = true
            if pending.count > start { try leftover(pending.count - start) }
            return false
        }
        if start > 0 {
            pending.removeFirst(start)
            start = 0
        }
        chunk.withUnsafeReadableBytes { pending.append(contentsOf: $0) }
        try pending.withUnsafeBufferPointer { all in
            guard let base = all.baseAddress else { return }
            var cursor = start
            while cursor < all.count {
                guard let found = memchr(base + cursor, Int32(UInt8(ascii: "\n")), all.count - cursor) else { break }
                let end = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                lineNumber += 1
                try body(UnsafeBufferPointer(rebasing: all[cursor..<end]), lineNumber)
                cursor = end + 1
            }
            start = cursor
        }
        return true
    }

    /// Compressed bytes read so far, and the file's size.
    var progress: (read: Int, size: Int) { (reader.bytesRead, reader.size) }
}
