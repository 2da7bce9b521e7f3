import CompressNIO
import Foundation
import NIOCore

/// Reads a gzip file in chunks and hands out its decompressed bytes.
///
/// A file that is not gzip, or whose compressed data is damaged, fails with `invalid_archive`; a
/// truncated file simply ends early (the archive's trailer tells).
final class GzipFileReader {
    let path: String
    private let handle: FileHandle
    private let decompressor: any NIODecompressor
    private var input: ByteBuffer
    private var ended = false
    /// Compressed bytes read so far.
    private(set) var bytesRead = 0
    /// The file's size, for progress.
    let size: Int

    /// Opens `path`.
    init(path: String) throws(EventStoreError) {
        self.path = path
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw EventStoreError(.fileFailed, "cannot open \(path): check that it exists and is readable")
        }
        self.handle = handle
        size = ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.intValue ?? 0
        decompressor = CompressionAlgorithm.gzip().decompressor
        input = ByteBufferAllocator().buffer(capacity: 0)
        do { try decompressor.startStream() } catch { throw EventStoreError(.fileFailed, "cannot start the gzip stream: \(error)") }
    }

    deinit {
        try? handle.close()
        try? decompressor.finishStream()
    }

    /// The next decompressed bytes, or `nil` at the end of the file.
    func next() throws(EventStoreError) -> ByteBuffer? {
        while true {
            if input.readableBytes == 0 {
                if ended { return nil }
                let data: Data?
                do { data = try handle.read(upToCount: 1 << 20) } catch { throw EventStoreError(.fileFailed, "reading \(path) failed: \(error)") }
                guard let data, !data.isEmpty else {
                    ended = true
                    return nil
                }
                bytesRead += data.count
                input = ByteBufferAllocator().buffer(capacity: data.count)
                input.writeBytes(data)
            }
            var output = ByteBufferAllocator().buffer(capacity: 4 << 20)
            let before = input.readableBytes
            do {
                try decompressor.streamInflate(from: &input, to: &output)
            } catch let error as CompressNIOError where error == .bufferOverflow || error == .inputBufferOverflow {
                // Output full or input used up: hand out what there is, read on.
            } catch {
                throw EventStoreError(.invalidArchive, "\(path) is not a gzip file or its compressed data is damaged (\(error))")
            }
            if output.readableBytes > 0 { return output }
            if input.readableBytes == before {
                throw EventStoreError(.invalidArchive, "\(path) has bytes after the end of its compressed data")
            }
        }
    }
}
