import CZstd

/// Zstandard decompression through the system's libzstd (streaming API).
final class ZstdArchiveDecompressor: ArchiveDecompressor {
    private let context: OpaquePointer
    private var output: [UInt8]
    /// libzstd's last hint: 0 when a frame was completely decoded and flushed.
    private var pending = 0

    init() throws(EventStoreError) {
        guard let context = ZSTD_createDCtx() else { throw EventStoreError(.fileFailed, "cannot start a zstd stream (out of memory)") }
        self.context = context
        output = [UInt8](repeating: 0, count: ZSTD_DStreamOutSize())
    }

    deinit { ZSTD_freeDCtx(context) }

    func decompress(_ bytes: UnsafeRawBufferPointer, into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        var input = ZSTD_inBuffer(src: bytes.baseAddress, size: bytes.count, pos: 0)
        var full = true
        while input.pos < input.size || full {
            try output.withUnsafeMutableBytes { out in
                var buffer = ZSTD_outBuffer(dst: out.baseAddress, size: out.count, pos: 0)
                let result = ZSTD_decompressStream(context, &buffer, &input)
                if ZSTD_isError(result) != 0 {
                    throw EventStoreError(.invalidArchive, "the zstd data is damaged (\(String(cString: ZSTD_getErrorName(result))))")
                }
                pending = result
                full = buffer.pos == buffer.size
                if buffer.pos > 0 { try sink(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(out)[0..<buffer.pos])) }
            }
        }
    }

    func finish() throws {
        guard pending == 0 else { throw EventStoreError(.invalidArchive, "the zstd data ends inside a frame: the file is truncated") }
    }
}
