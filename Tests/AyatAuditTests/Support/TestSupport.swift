import AyatAudit
import Crypto
import Foundation
import Testing

/// The shared vectors live outside the package, beside the project checkout.
enum Vectors {
    static let directory: URL = {
        if let override = ProcessInfo.processInfo.environment["AYAT_VECTORS"] {
            return URL(fileURLWithPath: override)
        }
        // #filePath is Tests/AyatAuditTests/Support/TestSupport.swift; resolve symlinks so a
        // scratch package that links the test folder still finds the project's ../shared.
        return URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
            .deletingLastPathComponent()
            .appendingPathComponent("../../../../shared/vectors").standardizedFileURL
    }()

    static func available(_ folder: String) -> Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent("\(folder)/PROVENANCE.md").path)
    }

    static var merkleAvailable: Bool { available("merkle") }
    static var checkpointAvailable: Bool { available("checkpoint") }

    static func load<T: Decodable>(_ type: T.Type, _ relativePath: String) throws -> T {
        let data = try Data(contentsOf: directory.appendingPathComponent(relativePath))
        return try JSONDecoder().decode(T.self, from: data)
    }
}

/// Runs `body` and checks it throws an `AuditError` with exactly `code`.
func expectAuditError<R>(
    _ code: AuditError.Code,
    _ comment: Comment? = nil,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> R
) {
    do {
        _ = try body()
        Issue.record("expected AuditError.\(code), nothing was thrown. \(comment.map { "\($0)" } ?? "")", sourceLocation: sourceLocation)
    } catch let error as AuditError {
        if error.code != code {
            Issue.record("expected AuditError.\(code), got \(error). \(comment.map { "\($0)" } ?? "")", sourceLocation: sourceLocation)
        }
    } catch {
        Issue.record("expected AuditError.\(code), got \(error)", sourceLocation: sourceLocation)
    }
}

/// Runs `body` and checks it throws some `AuditError`; returns it.
@discardableResult
func expectSomeAuditError<R>(
    _ comment: Comment? = nil,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> R
) -> AuditError? {
    do {
        _ = try body()
        Issue.record("expected an AuditError, nothing was thrown. \(comment.map { "\($0)" } ?? "")", sourceLocation: sourceLocation)
    } catch let error as AuditError {
        return error
    } catch {
        Issue.record("expected an AuditError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// A small deterministic generator so property tests reproduce from their seed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension MerkleDigest {
    /// The same digest with one bit flipped.
    func flippingBit(_ bit: Int) -> MerkleDigest {
        var bytes = self.bytes
        bytes[bit / 8 % 32] ^= 1 << UInt8(bit % 8)
        return MerkleDigest(bytes)!
    }

    init(testHex: String) {
        self.init(hex: testHex)!
    }
}

/// Leaf data that differs per index, for building test logs.
func sampleLeaves(_ count: Int, tag: String = "entry") -> [[UInt8]] {
    (0..<count).map { Array("\(tag) \($0): {\"amount\": \($0 * 7 % 1000)}".utf8) }
}

func bytes(hex: String) -> [UInt8] {
    var result: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex {
        let next = hex.index(index, offsetBy: 2)
        result.append(UInt8(hex[index..<next], radix: 16)!)
        index = next
    }
    return result
}

/// A fixed log key so test outputs are reproducible (Ed25519 signing is deterministic).
enum TestKeys {
    static let log = try! NoteSigner(
        name: "ayat.test/log",
        privateKey: .init(rawRepresentation: [UInt8](repeating: 7, count: 32))
    )
    static let other = try! NoteSigner(
        name: "ayat.test/other",
        privateKey: .init(rawRepresentation: [UInt8](repeating: 9, count: 32))
    )
}
