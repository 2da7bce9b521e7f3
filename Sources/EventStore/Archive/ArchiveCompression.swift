/// How an export file is compressed: Zstandard (the default: several times faster than gzip at a
/// smaller size) or gzip. The importer tells them apart by their first bytes.
public enum ArchiveCompression: String, Sendable, CaseIterable {
    /// Zstandard (libzstd), level 1 by default, with a content checksum in the frame.
    case zstd
    /// gzip (zlib through compress-nio), level 1 by default.
    case gzip

    /// The compression whose magic number starts `bytes`, if any.
    static func detect(_ bytes: some Collection<UInt8>) -> ArchiveCompression? {
        let head = Array(bytes.prefix(4))
        if head == [0x28, 0xB5, 0x2F, 0xFD] { return .zstd }
        if head.count >= 2, head[0] == 0x1F, head[1] == 0x8B { return .gzip }
        return nil
    }

    /// A compressor at `level` (1 fastest; gzip up to 9, zstd up to 19).
    func compressor(level: Int32) throws(EventStoreError) -> any ArchiveCompressor {
        switch self {
        case .zstd: try ZstdArchiveCompressor(level: level)
        case .gzip: try GzipArchiveCompressor(level: min(level, 9))
        }
    }

    /// A decompressor.
    func decompressor() throws(EventStoreError) -> any ArchiveDecompressor {
        switch self {
        case .zstd: try ZstdArchiveDecompressor()
        case .gzip: try GzipArchiveDecompressor()
        }
    }
}

/// Compresses a stream of bytes, handing compressed bytes to a sink.
protocol ArchiveCompressor: AnyObject {
    /// Compresses `bytes`.
    func compress(_ bytes: UnsafeRawBufferPointer, into sink: (UnsafeRawBufferPointer) throws -> Void) throws
    /// Ends the stream.
    func finish(into sink: (UnsafeRawBufferPointer) throws -> Void) throws
}

/// Decompresses a stream of bytes, handing plain bytes to a sink.
protocol ArchiveDecompressor: AnyObject {
    /// Decompresses `bytes`; throws on damaged data.
    func decompress(_ bytes: UnsafeRawBufferPointer, into sink: (UnsafeRawBufferPointer) throws -> Void) throws
    /// Checks the stream ended where the file did.
    func finish() throws
}
