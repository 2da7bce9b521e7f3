import NIOCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Splits the decompressed bytes of an export file into lines, without copying each line.
///
/// A line longer than ``maxLineBytes`` ends the reading with ``LogImporter/ArchiveFailure``: an
/// event's line holds its data and metadata (each at most the store's payload limit, 1 MiB by
/// default) and a few hundred bytes more, so a longer one is a damaged or hostile file, which must
/// not grow the importer's memory without bound.
final class ArchiveLineReader {
    /// The longest line accepted: 64 MiB.
    static let maxLineBytes = 64 << 20

    private let reader: ArchiveFileReader
    private let maxLineBytes: Int
    private var pending: [UInt8] = []
    private var start = 0
    private var ended = false
    /// Lines handed out so far (1 = the header).
    private(set) var lineNumber = 0

    init(reader: ArchiveFileReader, maxLineBytes: Int = ArchiveLineReader.maxLineBytes) {
        self.reader = reader
        self.maxLineBytes = maxLineBytes
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
        guard pending.count - start <= maxLineBytes else {
            throw LogImporter.ArchiveFailure(reason: "line \(lineNumber + 1) is longer than \(maxLineBytes) bytes (a damaged file)")
        }
        return true
    }

    /// Compressed bytes read so far, and the file's size.
    var progress: (read: Int, size: Int) { (reader.bytesRead, reader.size) }
}
