import AyatAudit
import Foundation
import Testing

struct CheckpointTests {
    static let root = MerkleHash.leaf(Array("root".utf8))

    @Test func bodyHasOneLinePerFieldEachEndingInNewline() throws {
        let checkpoint = try Checkpoint(origin: "ayat.test/log", size: 42, rootHash: Self.root, extensionLines: ["ext"])
        #expect(checkpoint.body == "ayat.test/log\n42\n\(Self.root.base64)\next\n")
        #expect(try Checkpoint(parsing: checkpoint.body) == checkpoint)
    }

    @Test func emptyTreeCheckpointUsesSizeZero() throws {
        let checkpoint = try Checkpoint(origin: "o", size: 0, rootHash: MerkleHash.emptyRoot)
        #expect(checkpoint.body == "o\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n")
        #expect(try Checkpoint(parsing: checkpoint.body).size == 0)
    }

    @Test(arguments: [
        ("missing final newline", "o\n1\nROOT"),
        ("only two lines", "o\n1\n"),
        ("empty origin", "\n1\nROOT\n"),
        ("leading zero", "o\n01\nROOT\n"),
        ("plus sign", "o\n+1\nROOT\n"),
        ("negative", "o\n-1\nROOT\n"),
        ("hex size", "o\n0x1\nROOT\n"),
        ("size overflows UInt64", "o\n18446744073709551616\nROOT\n"),
        ("space in size", "o\n 1\nROOT\n"),
        ("empty extension line", "o\n1\nROOT\n\n"),
        ("root without padding", "o\n1\nUNPADDED\n"),
        ("root with non-canonical bits", "o\n1\nNONCANONICAL\n"),
        ("root too short", "o\n1\nAAAA\n"),
        ("root in hex", "o\n1\nHEXROOT\n"),
        ("carriage return", "o\r\n1\nROOT\n"),
        ("tab in origin", "o\tx\n1\nROOT\n"),
    ])
    func strictParsingRefuses(_ label: String, _ template: String) {
        let base64 = Self.root.base64
        // Same 32 bytes are impossible with a changed last symbol before "=", so flip the unused bits.
        // 32 bytes end in "XYZ=", whose last symbol carries two unused bits: set the lowest one.
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var nonCanonical = Array(base64.utf8)
        nonCanonical[42] = alphabet[alphabet.firstIndex(of: nonCanonical[42])! ^ 1]
        let text = template
            .replacingOccurrences(of: "NONCANONICAL", with: String(decoding: nonCanonical, as: UTF8.self))
            .replacingOccurrences(of: "UNPADDED", with: String(base64.dropLast()))
            .replacingOccurrences(of: "HEXROOT", with: Self.root.hex)
            .replacingOccurrences(of: "ROOT", with: base64)
        expectAuditError(.malformedCheckpoint, "\(label)") { try Checkpoint(parsing: text) }
    }

    @Test func largestSizeParses() throws {
        let text = "o\n18446744073709551615\n\(Self.root.base64)\n"
        #expect(try Checkpoint(parsing: text).size == UInt64.max)
    }

    @Test func constructionRefusesLinesThatWouldNotParseBack() {
        expectAuditError(.malformedCheckpoint) { try Checkpoint(origin: "", size: 1, rootHash: Self.root) }
        expectAuditError(.malformedCheckpoint) { try Checkpoint(origin: "a\nb", size: 1, rootHash: Self.root) }
        expectAuditError(.malformedCheckpoint) { try Checkpoint(origin: "a", size: 1, rootHash: Self.root, extensionLines: [""]) }
    }

    @Test func signedCheckpointRoundTripsAndVerifies() throws {
        let checkpoint = try Checkpoint(origin: "ayat.test/log", size: 3, rootHash: Self.root)
        let signed = try SignedCheckpoint(checkpoint: checkpoint, signers: [TestKeys.log])
        let parsed = try SignedCheckpoint(parsing: signed.serialized)
        #expect(parsed == signed)
        #expect(try parsed.verify(using: [TestKeys.log.verifier], origin: "ayat.test/log").verifiedKeyNames == ["ayat.test/log"])
        expectAuditError(.noVerifiableSignatures) { try parsed.verify(using: [TestKeys.other.verifier]) }
        expectAuditError(.originMismatch) { try parsed.verify(using: [TestKeys.log.verifier], origin: "ayat.test/other") }
    }

    @Test func signedNoteWhoseTextIsNotACheckpointIsRefused() throws {
        let note = try SignedNote.sign(text: "hello\n", with: [TestKeys.log])
        expectAuditError(.malformedCheckpoint) { try SignedCheckpoint(parsing: note.serialized) }
    }
}
