import Foundation
import NIOCore

/// Writes a compressed export file to `PATH.partial`, and renames it to `PATH` only when
/// ``finish()`` succeeds, so a failed export never leaves a file that looks whole.
final class ArchiveFileWriter {
    let path: String
    let partialPath: String
    private let handle: FileHandle
    private let compressor: any ArchiveCompressor
    /// Compressed bytes written so far.
    private(set) var bytesWritten = 0

    /// Creates `path + ".partial"` (replacing one left by an earlier failure).
    init(path: String, compression: ArchiveCompression, level: Int32) throws(EventStoreError) {
        self.path = path
        self.partialPath = path + ".partial"
        let manager = FileManager.default
        try? manager.removeItem(atPath: partialPath)
        guard manager.createFile(atPath: partialPath, contents: nil), let handle = FileHandle(forWritingAtPath: partialPath) else {
            throw EventStoreError(.fileFailed, "cannot create \(partialPath): check the folder exists and is writable")
        }
        self.handle = handle
        do {
            compressor = try compression.compressor(level: level)
        } catch {
            try? handle.close()
            try? manager.removeItem(atPath: partialPath)
            throw error
        }
    }

    /// Compresses and writes the readable bytes of `chunk`.
    func write(_ chunk: ByteBuffer) throws(EventStoreError) {
        do {
            try chunk.withUnsafeReadableBytes { bytes in try compressor.compress(bytes, into: append) }
        } catch {
            throw Self.failure(error, "writing \(partialPath)")
        }
    }

    /// Ends the compressed stream, closes the file and gives it its final name.
    func finish() throws(EventStoreError) {
        do {
            try compressor.finish(into: append)
            try handle.synchronize()
            try handle.close()
            let manager = FileManager.default
            try? manager.removeItem(atPath: path)
            try manager.moveItem(atPath: partialPath, toPath: path)
        } catch {
            throw Self.failure(error, "finishing \(path)")
        }
    }

    /// Closes and removes the partial file (after a failure).
    func abandon() {
        try? handle.close()
        try? FileManager.default.removeItem(atPath: partialPath)
    }

    private func append(_ bytes: UnsafeRawBufferPointer) throws {
        guard !bytes.isEmpty else { return }
        try handle.write(contentsOf: bytes)
        bytesWritten += bytes.count
    }

    private static func failure(_ error: any Error, _ what: String) -> EventStoreError {
        if let error = error as? EventStoreError { return error }
        return EventStoreError(.fileFailed, "\(what) failed: \(error)")
    }
}
