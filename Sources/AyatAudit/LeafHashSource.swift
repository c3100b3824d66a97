/// Where `MerkleTree` reads leaf hashes from.
///
/// The audit store keeps the leaf hashes; trees of a million leaves are read in chunks through
/// this protocol rather than loaded whole, so proof computation stays within bounded memory.
public protocol LeafHashSource {
    /// The leaf hashes at positions `range`, in order; exactly `range.count` of them, or a throw.
    func leafHashes(_ range: Range<UInt64>) throws -> [MerkleDigest]
}

extension Array: LeafHashSource where Element == MerkleDigest {
    public func leafHashes(_ range: Range<UInt64>) throws -> [MerkleDigest] {
        guard range.upperBound <= UInt64(count) else {
            throw AuditError(
                .leafSourceFailure,
                "leaves \(range.lowerBound)..<\(range.upperBound) requested but only \(count) are present"
            )
        }
        return Array(self[Int(range.lowerBound)..<Int(range.upperBound)])
    }
}
