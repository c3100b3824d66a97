import Crypto

/// A SHA-256 value in the Merkle tree: a leaf hash, an interior node or a root.
///
/// Stored inline (four machine words) rather than as `[UInt8]`, so that a million-leaf tree
/// does not allocate a million tiny arrays; its length is 32 by construction, so every API that
/// takes a digest never has to ask.
public struct MerkleDigest: Hashable, Sendable, CustomStringConvertible {
    /// SHA-256 output length.
    public static let byteCount = 32

    private var words: (UInt64, UInt64, UInt64, UInt64)

    /// The digest with these exact 32 bytes; nil for any other length.
    public init?<Bytes: Collection<UInt8>>(_ bytes: Bytes) {
        // Contiguous bytes (an array, `Data`, a buffer) are copied at once: called from another
        // module, this generic initialiser is not specialised, and a byte-by-byte loop through
        // the collection's witness table was most of reading a million leaves at start-up.
        if let digest = bytes.withContiguousStorageIfAvailable({ MerkleDigest(UnsafeRawBufferPointer($0)) }) {
            guard let digest else { return nil }
            self = digest
            return
        }
        guard bytes.count == Self.byteCount else { return nil }
        words = (0, 0, 0, 0)
        Swift.withUnsafeMutableBytes(of: &words) { target in
            for (offset, byte) in bytes.enumerated() { target[offset] = byte }
        }
    }

    /// The digest with these exact 32 bytes; nil for any other length.
    public init?(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count == Self.byteCount else { return nil }
        words = (0, 0, 0, 0)
        Swift.withUnsafeMutableBytes(of: &words) { $0.copyMemory(from: bytes) }
    }

    /// Parses lowercase or uppercase hex of exactly 32 bytes.
    public init?<S: StringProtocol>(hex: S) {
        guard let bytes = Hex.decode(hex) else { return nil }
        self.init(bytes)
    }

    /// Parses canonical standard base64 of exactly 32 bytes (the encoding used by checkpoints and proofs).
    public init?<S: StringProtocol>(base64: S) {
        guard let bytes = Base64.decode(base64) else { return nil }
        self.init(bytes)
    }

    init(_ digest: SHA256Digest) {
        words = (0, 0, 0, 0)
        Swift.withUnsafeMutableBytes(of: &words) { target in
            digest.withUnsafeBytes { source in target.copyMemory(from: source) }
        }
    }

    /// Gives the 32 bytes without copying them to the heap.
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try Swift.withUnsafeBytes(of: words) { try body($0) }
    }

    public var bytes: [UInt8] { withUnsafeBytes { Array($0) } }

    public var hex: String { withUnsafeBytes { Hex.encode($0) } }

    public var base64: String { withUnsafeBytes { Base64.encode($0) } }

    public var description: String { hex }

    public static func == (lhs: MerkleDigest, rhs: MerkleDigest) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2
            && lhs.words.3 == rhs.words.3
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }
}
