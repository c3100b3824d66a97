import AyatAudit
import Crypto
import Testing

/// C2SP signed-note / tlog-checkpoint examples and the Go sumdb note vectors
/// (../shared/vectors/checkpoint/PROVENANCE.md gives each expected outcome).
@Suite("Signed note vectors", .enabled(if: Vectors.checkpointAvailable, "vectors folder absent: ../shared/vectors/checkpoint"))
struct SignedNoteVectorTests {
    let c2sp: C2SPNoteExamples
    let go: GoNoteVectors

    init() throws {
        c2sp = try Vectors.load(C2SPNoteExamples.self, "checkpoint/c2sp-signed-note-examples.json")
        go = try Vectors.load(GoNoteVectors.self, "checkpoint/go-sumdb-note-vectors.json")
    }

    @Test func publishedVerifierKeysParseWithTheirKeyIDs() throws {
        #expect(c2sp.vkeys.count == 2)
        for key in c2sp.vkeys {
            let verifier = try NoteVerifier(verifierKey: key.vkey)
            #expect(verifier.name == key.key_name)
            #expect(verifier.keyLabel == "\(key.key_name)+\(key.key_id_hex)")
            #expect(verifier.publicKeyBytes == bytes(hex: key.public_key_hex))
            #expect(verifier.verifierKey == key.vkey, "formatting reproduces the published string")
        }
        for (_, key) in go.keys {
            let verifier = try NoteVerifier(verifierKey: key.vkey)
            #expect(verifier.publicKeyBytes == bytes(hex: key.public_key_hex))
            #expect(verifier.verifierKey == key.vkey)
        }
    }

    @Test func c2spExamplesHaveTheExpectedOutcome() throws {
        #expect(c2sp.notes.count == 8)
        for example in c2sp.notes {
            let verifiers = try example.trusted_vkeys.map { try NoteVerifier(verifierKey: $0) }
            let note = try SignedNote(parsing: example.signed_note)
            #expect(note.text == example.note_text, "\(example.id)")
            #expect(note.serialized == example.signed_note, "\(example.id) re-serializes byte for byte")
            #expect(note.signatures.map(\.keyLabel) == example.signatures.map { "\($0.key_name)+\($0.key_id_hex)" })
            #expect(note.signatures.map(\.signature.count) == example.signatures.map(\.signature_len))
            switch example.expected {
            case "accept":
                let result = try note.verify(using: verifiers)
                #expect(result.verified.count == 1, "\(example.id)")
            case "reject":
                expectSomeAuditError("\(example.id) must be rejected") { try note.verify(using: verifiers) }
            default:
                Issue.record("unknown expectation \(example.expected) in \(example.id)")
            }
        }
    }

    @Test func rejectionsHappenForTheDocumentedReason() throws {
        let reasons: [String: AuditError.Code] = [
            "signed-note-intro": .noVerifiableSignatures,
            "tlog-checkpoint-example": .noVerifiableSignatures,
            "tlog-cosignature-example": .noVerifiableSignatures,
            "signed-note-example-text-modified": .invalidSignature,
            "signed-note-example-unknown-name": .noVerifiableSignatures,
            "signed-note-example-wrong-key-id": .noVerifiableSignatures,
        ]
        for (id, code) in reasons {
            let example = try #require(c2sp.notes.first { $0.id == id }, "\(id) missing")
            let verifiers = try example.trusted_vkeys.map { try NoteVerifier(verifierKey: $0) }
            expectAuditError(code, "\(id)") { try SignedNote(parsing: example.signed_note).verify(using: verifiers) }
        }
    }

    @Test func checkpointExamplesParseIntoTheirFields() throws {
        let examples = c2sp.notes.filter { $0.checkpoint != nil }
        #expect(examples.count == 2)
        for example in examples {
            let fields = try #require(example.checkpoint)
            let signed = try SignedCheckpoint(parsing: example.signed_note)
            #expect(signed.checkpoint.origin == fields.origin)
            #expect(signed.checkpoint.size == fields.tree_size)
            #expect(signed.checkpoint.rootHash.base64 == fields.root_hash_b64)
            #expect(signed.checkpoint.rootHash.hex == fields.root_hash_hex)
            #expect(signed.checkpoint.extensionLines == fields.extension_lines)
            #expect(signed.checkpoint.body == example.note_text)
        }
        // The real sum.golang.org tree head verifies as a checkpoint, with the origin checked too.
        let golang = try #require(c2sp.notes.first { $0.id == "tlog-checkpoint-example-as-sum-golang-org" })
        let verifier = try NoteVerifier(verifierKey: golang.trusted_vkeys[0])
        let result = try SignedCheckpoint(parsing: golang.signed_note).verify(using: [verifier], origin: "go.sum database tree")
        #expect(result.verifiedKeyNames == ["sum.golang.org"])
        expectAuditError(.originMismatch) {
            try SignedCheckpoint(parsing: golang.signed_note).verify(using: [verifier], origin: "example.com/behind-the-sofa")
        }
    }

    @Test func cosignatureExampleParsesWithItsTimestampedSignature() throws {
        let example = try #require(c2sp.notes.first { $0.id == "tlog-cosignature-example" })
        let cosignature = try #require(example.cosignature)
        let note = try SignedNote(parsing: example.signed_note)
        let witness = try #require(note.signatures.first { $0.keyName == cosignature.key_name })
        #expect(witness.keyLabel == "\(cosignature.key_name)+\(cosignature.key_id_hex)")
        // Type 0x04 cosignature body: 8-byte big-endian timestamp, then the Ed25519 signature.
        let timestamp = witness.signature.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        #expect(timestamp == cosignature.timestamp)
        #expect(Array(witness.signature.dropFirst(8)) == bytes(hex: cosignature.ed25519_signature_hex))
        #expect(cosignature.signed_message.hasSuffix(example.note_text))
    }

    @Test func goSignCaseIsReproducedByteForByte() throws {
        let signer = try NoteSigner(signerKey: go.sign_case.skey)
        #expect(signer.signerKey == go.sign_case.skey, "signer key formatting round-trips")
        #expect(signer.verifier.verifierKey == go.keys["PeterNeumann"]?.vkey)
        let note = try SignedNote.sign(text: go.sign_case.text, with: [signer])
        #if canImport(Darwin)
        // CryptoKit randomizes Ed25519 signatures; only the verification can be compared there.
        #expect(try note.verify(using: [signer.verifier]).verified.count == 1)
        #else
        #expect(note.serialized == go.sign_case.expected_signed_note)
        #endif
        #expect(try signer.sign(go.text).line == go.signature_lines["PeterNeumann"] || isDarwin)
    }

    @Test func goVerifierKeyCases() throws {
        #expect(go.vkey_cases.count == 4)
        for vectorCase in go.vkey_cases {
            if vectorCase.expected == "valid" {
                #expect(throws: Never.self, "\(vectorCase.vkey)") { try NoteVerifier(verifierKey: vectorCase.vkey) }
            } else {
                expectAuditError(.malformedKey, "\(vectorCase.vkey): \(vectorCase.expected)") {
                    try NoteVerifier(verifierKey: vectorCase.vkey)
                }
            }
        }
    }

    @Test func goOpenCases() throws {
        #expect(go.open_cases.count >= 14)
        for vectorCase in go.open_cases {
            let verifiers = try vectorCase.trusted_vkeys.map { try NoteVerifier(verifierKey: $0) }
            let noteBytes: [UInt8]
            if let hex = vectorCase.note_hex {
                noteBytes = bytes(hex: hex)
            } else {
                noteBytes = Array(try #require(vectorCase.note).utf8)
            }
            let open = { try SignedNote(parsing: noteBytes).verify(using: verifiers) }
            switch vectorCase.expected.result {
            case "accept":
                let result = try open()
                #expect(result.verified.map(\.keyLabel) == vectorCase.expected.verified, "\(vectorCase.name)")
                #expect(result.unverified.map(\.description) == vectorCase.expected.unverified, "\(vectorCase.name)")
            default:
                let expectedCode: AuditError.Code =
                    switch vectorCase.expected.error {
                    case "malformed note": .malformedNote
                    case "note has no verifiable signatures": .noVerifiableSignatures
                    case let error? where error.hasPrefix("invalid signature for key"): .invalidSignature
                    default: .malformedNote
                    }
                expectAuditError(expectedCode, "\(vectorCase.name)") { try open() }
                if expectedCode == .invalidSignature {
                    // Same wording as Go's note package, naming the key.
                    #expect((try? open()) == nil)
                    do { _ = try open() } catch let error as AuditError {
                        #expect(error.reason == vectorCase.expected.error)
                    }
                }
            }
        }
    }
}

private var isDarwin: Bool {
    #if canImport(Darwin)
    true
    #else
    false
    #endif
}
