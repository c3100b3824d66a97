import Crypto

/// RFC 6962 §2.1 (RFC 9162 §2.1.1) hashing.
///
/// The 0x00 / 0x01 prefixes keep a leaf from ever being mistaken for an interior node, so nobody
/// can present two children as a "leaf" and forge an inclusion proof.
public enum MerkleHash {
    /// The root of the tree with no leaves: SHA-256 of the empty string.
    public static let emptyRoot = MerkleDigest(SHA256.hash(data: [UInt8]()))

    /// `SHA-256(0x00 || data)`.
    public static func leaf<Bytes: Collection<UInt8>>(_ data: Bytes) -> MerkleDigest {
        var hasher = SHA256()
        withUnsafeBytes(of: UInt8(0x00)) { hasher.update(bufferPointer: $0) }
        let hashedContiguously: Void? = data.withContiguousStorageIfAvailable { buffer in
            hasher.update(bufferPointer: UnsafeRawBufferPointer(buffer))
        }
        if hashedContiguously == nil {
            Array(data).withUnsafeBytes { hasher.update(bufferPointer: $0) }
        }
        return MerkleDigest(hasher.finalize())
    }

    /// `SHA-256(0x01 || left || right)`, hashed from one stack buffer so an interior node costs
    /// one SHA-256 update and no buffer allocation of ours.
    public static func node(_ left: MerkleDigest, _ right: MerkleDigest) -> MerkleDigest {
        return withUnsafeTemporaryAllocation(byteCount: 65, alignment: 1) { buffer in
            buffer[0] = 0x01
            left.withUnsafeBytes { buffer.baseAddress!.advanced(by: 1).copyMemory(from: $0.baseAddress!, byteCount: 32) }
            right.withUnsafeBytes { buffer.baseAddress!.advanced(by: 33).copyMemory(from: $0.baseAddress!, byteCount: 32) }
            var hasher = SHA256()
            hasher.update(bufferPointer: UnsafeRawBufferPointer(buffer))
            return MerkleDigest(hasher.finalize())
        }
    }
}
