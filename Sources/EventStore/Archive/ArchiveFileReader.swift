import Foundation
import NIOCore

/// Reads a compressed export file in chunks and hands out its decompressed bytes; the compression
/// (zstd or gzip) is told by the file's first bytes.
///
/// A file that is neither, or whose compressed data is damaged, fails with `invalid_archive`.
final class ArchiveFileReader {
    let path: String
    private let handle: FileHandle
    private var decompressor: (any ArchiveDecompressor)?
    private var ended = false
    /// Compressed bytes read so far.
    private(set) var bytesRead = 0
    /// The file's size, for progress.
    let size: Int
    /// The compression found, once the first chunk was read.
    private(set) var compression: ArchiveCompression?

    /// Opens `path`.
    init(path: String) throws(EventStoreError) {
        self.path = path
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw EventStoreError(.fileFailed, "cannot open \(path): check that it exists and is readable")
        }
        self.handle = handle
        size = ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.intValue ?? 0
    }

    deinit { try? handle.close() }

    /// The next decompressed bytes (possibly empty), or `nil` at the end of the file.
    func next() throws(EventStoreError) -> ByteBuffer? {
        guard !ended else { return nil }
        let data: Data?
        do { data = try handle.read(upToCount: 1 << 20) } catch { throw EventStoreError(.fileFailed, "reading \(path) failed: \(error)") }
        guard let data, !data.isEmpty else {
            ended = true
            guard let decompressor else { throw EventStoreError(.invalidArchive, "\(path) is empty") }
            do { try decompressor.finish() } catch { throw Self.failure(error) }
            return nil
        }
        bytesRead += data.count
        if decompressor == nil {
            guard let found = ArchiveCompression.detect(data) else {
                throw EventStoreError(.invalidArchive, "\(path) is neither zstd nor gzip: not an export file")
            }
            compression = found
            decompressor = try found.decompressor()
        }
        var output = ByteBufferAllocator().buffer(capacity: data.count * 6)
        do {
            try data.withUnsafeBytes { bytes in
                try decompressor?.decompress(bytes) { output.writeBytes($0) }
            }
        } catch {
            throw Self.failure(error)
        }
        return output
    }

    private static func failure(_ error: any Error) -> EventStoreError {
        if let error = error as? EventStoreError { return error }
        return EventStoreError(.invalidArchive, "the compressed data is damaged (\(error))")
    }
}
