import CZstd

/// Zstandard compression through the system's libzstd (streaming API).
final class ZstdArchiveCompressor: ArchiveCompressor {
    private let context: OpaquePointer
    private var output: [UInt8]

    init(level: Int32) throws(EventStoreError) {
        guard let context = ZSTD_createCCtx() else { throw EventStoreError(.fileFailed, "cannot start a zstd stream (out of memory)") }
        self.context = context
        ZSTD_CCtx_setParameter(context, ZSTD_c_compressionLevel, min(max(level, 1), 19))
        // A checksum of the content in the frame: damaged data is caught while decompressing.
        ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1)
        output = [UInt8](repeating: 0, count: ZSTD_CStreamOutSize())
    }

    deinit { ZSTD_freeCCtx(context) }

    func compress(_ bytes: UnsafeRawBufferPointer, into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        try run(bytes, ZSTD_e_continue, sink)
    }

    func finish(into sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        try run(UnsafeRawBufferPointer(start: nil, count: 0), ZSTD_e_end, sink)
    }

    private func run(_ bytes: UnsafeRawBufferPointer, _ directive: ZSTD_EndDirective, _ sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        var input = ZSTD_inBuffer(src: bytes.baseAddress, size: bytes.count, pos: 0)
        var done = false
        while !done {
            try output.withUnsafeMutableBytes { out in
                var buffer = ZSTD_outBuffer(dst: out.baseAddress, size: out.count, pos: 0)
                let remaining = ZSTD_compressStream2(context, &buffer, &input, directive)
                if ZSTD_isError(remaining) != 0 {
                    throw EventStoreError(.fileFailed, "zstd compression failed: \(String(cString: ZSTD_getErrorName(remaining)))")
                }
                if buffer.pos > 0 { try sink(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(out)[0..<buffer.pos])) }
                done = directive == ZSTD_e_end ? remaining == 0 : input.pos == input.size
            }
        }
    }
}
