import CompressNIO
import NIOCore

/// gzip decompression through compress-nio (the system's zlib). A truncated stream is not caught
/// here (zlib does not say where a stream ended); the archive's trailer catches it.
final class GzipArchiveDecompressor: ArchiveDecompressor {
    private let decompressor: any NIODecompressor

    init() throws(EventStoreError) {
        decompressor = CompressionAlgorithm.gzip().decompressor
        do { try decompressor.startStream() } catch { throw EventStoreError(.fileFailed, "cannot start a gzip stream: \(error)") }
    }

    deinit { try? decompressor.finishStream() }

    func decompress(_ bytes: UnsafeRawBufferPointer, into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        var input = ByteBufferAllocator().buffer(capacity: bytes.count)
        input.writeBytes(bytes)
        while input.readableBytes > 0 {
            var output = ByteBufferAllocator().buffer(capacity: 4 << 20)
            let before = input.readableBytes
            do {
                try decompressor.streamInflate(from: &input, to: &output)
            } catch let error as CompressNIOError where error == .bufferOverflow || error == .inputBufferOverflow {
                // Output full, or input used up: hand out what there is and go on.
            } catch {
                throw EventStoreError(.invalidArchive, "the gzip data is damaged (\(error))")
            }
            if output.readableBytes > 0 {
                try output.withUnsafeReadableBytes { try sink($0) }
            } else if input.readableBytes == before {
                throw EventStoreError(.invalidArchive, "there are bytes after the end of the gzip data")
            }
        }
    }

    func finish() throws {}
}
