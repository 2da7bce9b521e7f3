import CompressNIO
import NIOCore

/// gzip compression through compress-nio (the system's zlib).
final class GzipArchiveCompressor: ArchiveCompressor {
    private let compressor: any NIOCompressor
    private var output: ByteBuffer

    init(level: Int32) throws(EventStoreError) {
        compressor = CompressionAlgorithm.gzip(configuration: ZlibConfiguration(compressionLevel: min(max(level, 1), 9))).compressor
        output = ByteBufferAllocator().buffer(capacity: 1 << 20)
        do { try compressor.startStream() } catch { throw EventStoreError(.fileFailed, "cannot start a gzip stream: \(error)") }
    }

    deinit { try? compressor.finishStream() }

    func compress(_ bytes: UnsafeRawBufferPointer, into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        var input = ByteBufferAllocator().buffer(capacity: bytes.count)
        input.writeBytes(bytes)
        output.clear(minimumCapacity: compressor.maxSize(from: input))
        try compressor.streamDeflate(from: &input, to: &output, flush: .no)
        try output.withUnsafeReadableBytes { try sink($0) }
    }

    func finish(into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        while true {
            output.clear(minimumCapacity: 1 << 16)
            do {
                try compressor.finishDeflate(to: &output)
                try output.withUnsafeReadableBytes { try sink($0) }
                return
            } catch let error as CompressNIOError where error == .bufferOverflow {
                try output.withUnsafeReadableBytes { try sink($0) }
            }
        }
    }
}
