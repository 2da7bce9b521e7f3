import CompressNIO
import Foundation
import NIOCore

/// Writes a gzip file in chunks (zlib through compress-nio) to `PATH.partial`, and renames it to
/// `PATH` only when ``finish()`` succeeds, so a failed export never leaves a file that looks whole.
final class GzipFileWriter {
    let path: String
    let partialPath: String
    private let handle: FileHandle
    private let compressor: any NIOCompressor
    private var output: ByteBuffer
    /// Compressed bytes written so far.
    private(set) var bytesWritten = 0

    /// Creates `path + ".partial"` (replacing one left by an earlier failure).
    /// - Parameter level: zlib level 1 (fastest) to 9 (smallest).
    init(path: String, level: Int32) throws(EventStoreError) {
        self.path = path
        self.partialPath = path + ".partial"
        let manager = FileManager.default
        try? manager.removeItem(atPath: partialPath)
        guard manager.createFile(atPath: partialPath, contents: nil), let handle = FileHandle(forWritingAtPath: partialPath) else {
            throw EventStoreError(.fileFailed, "cannot create \(partialPath): check the folder exists and is writable")
        }
        self.handle = handle
        compressor = CompressionAlgorithm.gzip(configuration: ZlibConfiguration(compressionLevel: level)).compressor
        output = ByteBufferAllocator().buffer(capacity: 1 << 20)
        do { try compressor.startStream() } catch { throw EventStoreError(.fileFailed, "cannot start the gzip stream: \(error)") }
    }

    /// Compresses and writes `chunk`.
    func write(_ chunk: inout ByteBuffer) throws(EventStoreError) {
        do {
            output.clear(minimumCapacity: compressor.maxSize(from: chunk))
            try compressor.streamDeflate(from: &chunk, to: &output, flush: .no)
            try flush()
        } catch let error as EventStoreError {
            throw error
        } catch {
            throw EventStoreError(.fileFailed, "compressing \(path) failed: \(error)")
        }
    }

    /// Ends the gzip stream, closes the file and gives it its final name.
    func finish() throws(EventStoreError) {
        do {
            while true {
                output.clear(minimumCapacity: 1 << 16)
                do {
                    try compressor.finishDeflate(to: &output)
                    try flush()
                    break
                } catch let error as CompressNIOError where error == .bufferOverflow {
                    try flush()
                }
            }
            try compressor.finishStream()
            try handle.synchronize()
            try handle.close()
            let manager = FileManager.default
            try? manager.removeItem(atPath: path)
            try manager.moveItem(atPath: partialPath, toPath: path)
        } catch let error as EventStoreError {
            throw error
        } catch {
            throw EventStoreError(.fileFailed, "finishing \(path) failed: \(error)")
        }
    }

    /// Closes and removes the partial file (after a failure).
    func abandon() {
        try? handle.close()
        try? FileManager.default.removeItem(atPath: partialPath)
    }

    private func flush() throws {
        guard output.readableBytes > 0 else { return }
        let bytes = output.readableBytesView
        try handle.write(contentsOf: bytes)
        bytesWritten += bytes.count
        output.clear()
    }
}
