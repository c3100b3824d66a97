import AyatAudit
import Foundation
import Testing

struct SignedNoteTests {
    static let text = "ayat.test/log\n7\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"

    @Test func signatureLineUsesEmDashNameAndKeyIDPrefixedSignature() throws {
        let signature = try TestKeys.log.sign(Self.text)
        #expect(signature.line.hasPrefix("\u{2014} ayat.test/log "))
        #expect(signature.line.hasSuffix("\n"))
        #expect(Array(signature.line.utf8.prefix(4)) == [0xE2, 0x80, 0x94, 0x20])
        #expect(signature.keyID == TestKeys.log.keyID)
        #expect(signature.signature.count == 64)
    }

    @Test func signingIsDeterministic() throws {
        #expect(try TestKeys.log.sign(Self.text) == TestKeys.log.sign(Self.text))
    }

    @Test func noteRoundTripsAndVerifiesWithEveryKnownSigner() throws {
        let note = try SignedNote.sign(text: Self.text, with: [TestKeys.log, TestKeys.other])
        #expect(note.serialized.hasPrefix(Self.text + "\n\u{2014} "))
        let parsed = try SignedNote(parsing: note.serialized)
        #expect(parsed == note)
        let both = try parsed.verify(using: [TestKeys.log.verifier, TestKeys.other.verifier])
        #expect(both.verifiedKeyNames == ["ayat.test/log", "ayat.test/other"])
        let one = try parsed.verify(using: [TestKeys.other.verifier])
        #expect(one.verifiedKeyNames == ["ayat.test/other"])
        #expect(one.unverified.map(\.keyName) == ["ayat.test/log"])
    }

    @Test func addingACosignatureKeepsTheText() throws {
        let note = try SignedNote.sign(text: Self.text, with: [TestKeys.log]).addingSignature(by: TestKeys.other)
        #expect(note.signatures.count == 2)
        #expect(try note.verify(using: [TestKeys.log.verifier]).unverified.count == 1)
    }

    @Test func changedTextFailsWithInvalidSignature() throws {
        let note = try SignedNote.sign(text: Self.text, with: [TestKeys.log])
        let tampered = note.serialized.replacingFirst("\n7\n", with: "\n8\n")
        expectAuditError(.invalidSignature) { try SignedNote(parsing: tampered).verify(using: [TestKeys.log.verifier]) }
    }

    @Test func aKnownKeysBadSignatureRejectsTheNoteEvenBesideAGoodOne() throws {
        let good = try TestKeys.log.sign(Self.text)
        var bad = good.signature
        bad[0] ^= 1
        let forged = try NoteSignature(keyName: good.keyName, keyID: good.keyID, signature: bad)
        let note = try SignedNote(text: Self.text, signatures: [good, forged])
        expectAuditError(.invalidSignature) { try note.verify(using: [TestKeys.log.verifier]) }
    }

    @Test func keyIDIsTheFirstFourBytesOfTheDocumentedHash() {
        // SHA-256("ayat.test/log" || 0x0A || 0x01 || public key)[:4], computed independently below.
        let verifier = TestKeys.log.verifier
        let expected = NoteVerifier.keyID(name: "ayat.test/log", signatureType: 0x01, publicKey: verifier.publicKeyBytes)
        #expect(verifier.keyID == expected)
        #expect(verifier.keyID != NoteVerifier.keyID(name: "ayat.test/log", signatureType: 0x04, publicKey: verifier.publicKeyBytes))
    }

    @Test(arguments: [
        ("no signatures", "text\n\n"),
        ("no blank line", "text\n\u{2014} a AAAAAAAA\n"),
        ("hyphen instead of em dash", "text\n\n- a AAAAAAAA\n"),
        ("signature too short", "text\n\n\u{2014} a AAAA\n"),
        ("non-canonical base64", "text\n\n\u{2014} a AAAAAAB=\n"),
        ("plus in name", "text\n\n\u{2014} a+b AAAAAAAA\n"),
        ("no space before signature", "text\n\n\u{2014} aAAAAAAAA\n"),
        ("empty name", "text\n\n\u{2014}  AAAAAAAA\n"),
        ("tab in text", "te\txt\n\n\u{2014} a AAAAAAAA\n"),
        ("missing final newline", "text\n\n\u{2014} a AAAAAAAA"),
        ("trailing blank line", "text\n\n\u{2014} a AAAAAAAA\n\n"),
    ])
    func malformedNotesAreRefused(_ label: String, _ note: String) {
        expectAuditError(.malformedNote, "\(label)") { try SignedNote(parsing: note) }
    }

    @Test func sixteenSignaturesAreAcceptedAndOverAHundredRefused() throws {
        let line = try TestKeys.log.sign(Self.text).line
        let unknown = try TestKeys.other.sign(Self.text).line
        let sixteen = Self.text + "\n" + String(repeating: unknown, count: 15) + line
        #expect(try SignedNote(parsing: sixteen).verify(using: [TestKeys.log.verifier]).verified.count == 1)
        let tooMany = Self.text + "\n" + String(repeating: line, count: 101)
        expectAuditError(.malformedNote) { try SignedNote(parsing: tooMany) }
    }

    @Test func textWithBlankLinesIsSplitAtTheLastOne() throws {
        let text = "first\n\nsecond\n"
        let note = try SignedNote.sign(text: text, with: [TestKeys.log])
        let parsed = try SignedNote(parsing: note.serialized)
        #expect(parsed.text == text)
        #expect(try parsed.verify(using: [TestKeys.log.verifier]).verified.count == 1)
    }

    @Test func signingRefusesInvalidText() {
        expectAuditError(.malformedNote) { try TestKeys.log.sign("no newline") }
        expectAuditError(.malformedNote) { try TestKeys.log.sign("bell\u{07}\n") }
    }
}

extension String {
    /// Replaces the first occurrence; records an issue when absent so a tamper test cannot pass by
    /// tampering with nothing.
    func replacingFirst(_ target: String, with replacement: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        guard let range = range(of: target) else {
            Issue.record("anchor not found: \(target)", sourceLocation: sourceLocation)
            return self
        }
        return replacingCharacters(in: range, with: replacement)
    }
}
