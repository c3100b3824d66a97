import Foundation
import Testing
import AyatAudit

/// A digest holds exactly the 32 bytes it was made from, whatever kind of collection held them.
@Suite struct MerkleDigestTests {
    static let bytes: [UInt8] = (0..<32).map { UInt8($0 * 7 + 3) }

    @Test func everyKindOfByteCollectionGivesTheSameDigest() throws {
        let fromArray = try #require(MerkleDigest(Self.bytes))
        #expect(fromArray.bytes == Self.bytes)
        #expect(MerkleDigest(Data(Self.bytes)) == fromArray)
        #expect(MerkleDigest(Self.bytes[...]) == fromArray)
        #expect(Self.bytes.withUnsafeBytes { MerkleDigest($0) } == fromArray)
        // Not contiguous: taken byte by byte.
        #expect(MerkleDigest(Self.bytes.reversed().reversed()) == fromArray)
        #expect(MerkleDigest(Self.bytes.lazy.map { $0 }) == fromArray)
        // A slice of Data that does not start at index 0.
        let padded = Data([0xFF] + Self.bytes + [0xEE])
        #expect(MerkleDigest(padded.dropFirst().dropLast()) == fromArray)
    }

    @Test func anyOtherLengthIsNoDigest() {
        for count in [0, 1, 31, 33, 64] {
            let bytes = [UInt8](repeating: 0xAB, count: count)
            #expect(MerkleDigest(bytes) == nil)
            #expect(MerkleDigest(Data(bytes)) == nil)
            #expect(bytes.withUnsafeBytes { MerkleDigest($0) } == nil)
            #expect(MerkleDigest(bytes.lazy.map { $0 }) == nil)
        }
    }
}
