import AyatAudit
import Foundation
import Crypto
import Testing

struct NoteKeyTests {
    @Test func verifierKeyRoundTrips() throws {
        let verifier = TestKeys.log.verifier
        let parsed = try NoteVerifier(verifierKey: verifier.verifierKey)
        #expect(parsed == verifier)
        #expect(verifier.verifierKey.hasPrefix("ayat.test/log+"))
        let parts = verifier.verifierKey.split(separator: "+", maxSplits: 2)
        #expect(parts[1].count == 8)
        #expect(parts[2].hasPrefix("A"), "base64 of 0x01 || key starts with A")
    }

    @Test func signerKeyRoundTripsAndDerivesTheSameVerifier() throws {
        let signer = try NoteSigner.generate(name: "ayat.test/fresh")
        let restored = try NoteSigner(signerKey: signer.signerKey)
        #expect(restored.verifier == signer.verifier)
        #expect(restored.signerKey == signer.signerKey)
        #expect(signer.signerKey.hasPrefix("PRIVATE+KEY+ayat.test/fresh+"))
    }

    @Test func verifierKeyWithWrongKeyIDIsRefused() throws {
        let vkey = TestKeys.log.verifier.verifierKey
        var parts = vkey.split(separator: "+", maxSplits: 2).map(String.init)
        parts[1] = parts[1] == "00000000" ? "00000001" : "00000000"
        expectAuditError(.malformedKey) { try NoteVerifier(verifierKey: parts.joined(separator: "+")) }
    }

    @Test(arguments: ["", "name", "name+1234", "name+zzzzzzzz+AAAA", "+00000000+AQ==", "a b+00000000+AQ=="])
    func malformedVerifierKeysAreRefused(_ vkey: String) {
        expectAuditError(.malformedKey, "\(vkey)") { try NoteVerifier(verifierKey: vkey) }
    }

    @Test func signerKeyWithWrongIDOrTypeIsRefused() throws {
        let skey = TestKeys.log.signerKey
        expectAuditError(.malformedKey) { try NoteSigner(signerKey: String(skey.dropFirst("PRIVATE+KEY+".count))) }
        let wrongID = skey.replacingFirst("+\(TestKeys.log.verifier.keyLabel.split(separator: "+")[1])+", with: "+00000000+")
        expectAuditError(.malformedKey) { try NoteSigner(signerKey: wrongID) }
    }

    @Test(arguments: ["", "has space", "has+plus", "tab\tname", "nbsp\u{00A0}name"])
    func invalidKeyNamesAreRefused(_ name: String) {
        expectAuditError(.invalidKeyName, "\(name)") {
            try NoteSigner(name: name, privateKey: Curve25519.Signing.PrivateKey())
        }
    }
}
