import AyatXML
import Foundation
import Testing
import X509

@Suite("Sign then verify")
struct RoundTripTests {
    @Test("round trip keeps the content exactly", arguments: TestPKI.all)
    func roundTrip(identity: TestPKI.Identity) throws {
        let signed = try TestPKI.signer(identity).signEnveloped(Samples.orderBytes)
        let verified = try TestPKI.verifier(identity).verify(signed, at: TestPKI.validTime)

        #expect(verified.signer == identity.certificate)
        #expect(verified.algorithm == identity.algorithm)
        #expect(verified.root == (try SafeXMLParser.parse(Samples.orderBytes)))
        let holder = try #require(verified.root.child("Case")?.child("Holder"))
        #expect(Array(holder.text.utf8) == Array(Samples.holderName.utf8))
        #expect(verified.root.child("Note")?.text == "ระงับ & ตรวจสอบ")
        #expect(verified.root.child("Case")?.attribute("ref") == "C-2026-0042")
        #expect(verified.root.children.allSatisfy { $0.name != "Signature" })
        #expect(verified.references.map(\.uri) == ["", "#KeyInfo"])
        #expect(verified.references[1].element?.name == "KeyInfo")
    }

    @Test("the output has the xml-enveloped layout")
    func layout() throws {
        let signed = try TestPKI.signer(TestPKI.rsa).signEnveloped(Samples.orderBytes)
        #expect(signed.string.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"))
        #expect(signed.string.contains(Samples.holderName))

        let root = try SafeXMLParser.parse(signed)
        let dsig = "http://www.w3.org/2000/09/xmldsig#"
        let signature = try #require(root.children.last)
        #expect(signature.name == "Signature" && signature.namespace == dsig)
        #expect(signature.children.map(\.name) == ["SignedInfo", "SignatureValue", "KeyInfo"])

        let signedInfo = try #require(signature.child("SignedInfo"))
        #expect(
            signedInfo.child("CanonicalizationMethod")?.attribute("Algorithm")
                == "http://www.w3.org/2001/10/xml-exc-c14n#")
        #expect(
            signedInfo.child("SignatureMethod")?.attribute("Algorithm")
                == "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256")
        let references = signedInfo.children(named: "Reference")
        #expect(references.map { $0.attribute("URI") } == ["", "#KeyInfo"])
        #expect(
            references[0].child("Transforms")?.children.map { $0.attribute("Algorithm") ?? "" } == [
                "http://www.w3.org/2000/09/xmldsig#enveloped-signature", "http://www.w3.org/2001/10/xml-exc-c14n#",
            ])
        #expect(
            references[1].child("Transforms")?.children.map { $0.attribute("Algorithm") ?? "" } == [
                "http://www.w3.org/2001/10/xml-exc-c14n#"
            ])
        for reference in references {
            #expect(reference.child("DigestMethod")?.attribute("Algorithm") == "http://www.w3.org/2001/04/xmlenc#sha256")
        }

        let keyInfo = try #require(signature.child("KeyInfo"))
        #expect(keyInfo.attribute("Id") == "KeyInfo")
        let x509 = try #require(keyInfo.child("X509Data"))
        let issuerSerial = try #require(x509.child("X509IssuerSerial"))
        #expect(issuerSerial.child("X509IssuerName")?.text == "CN=Ayat Test RSA,O=Ayat Test Bank\\, Ltd.,C=TH")
        let serial = try #require(issuerSerial.child("X509SerialNumber")?.text)
        #expect(!serial.isEmpty && serial.allSatisfy(\.isNumber))
        let der = try #require(Data(base64Encoded: x509.child("X509Certificate")?.text ?? ""))
        #expect(try Certificate(derEncoded: Array(der)) == TestPKI.rsa.certificate)
    }

    @Test("the serial number is written in decimal")
    func decimalSerial() throws {
        let identity = TestPKI.rsa
        let serialBytes = Array(identity.certificate.serialNumber.bytes)
        // Independent conversion via Double-free long arithmetic in base 10^9.
        var limbs: [UInt64] = [0]
        for byte in serialBytes {
            var carry = UInt64(byte)
            for index in limbs.indices {
                let value = limbs[index] * 256 + carry
                limbs[index] = value % 1_000_000_000
                carry = value / 1_000_000_000
            }
            while carry > 0 {
                limbs.append(carry % 1_000_000_000)
                carry /= 1_000_000_000
            }
        }
        var expected = String(limbs.last!)
        for limb in limbs.dropLast().reversed() { expected += String(repeating: "0", count: 9 - String(limb).count) + String(limb) }

        let root = try SafeXMLParser.parse(try TestPKI.signer(identity).signEnveloped(Samples.orderBytes))
        let serial = root.child("Signature")?.child("KeyInfo")?.child("X509Data")?.child("X509IssuerSerial")?
            .child("X509SerialNumber")?.text
        #expect(serial == expected)
    }

    @Test("a signer refuses a key that does not fit the algorithm or the certificate")
    func signerKeyChecks() {
        #expect(throws: XMLSignatureError(.keyMismatch)) {
            try XMLSigner(key: TestPKI.rsa.key, algorithm: .ecdsaP256SHA256, certificate: TestPKI.rsa.certificate)
        }
        #expect(throws: XMLSignatureError(.keyMismatch)) {
            try XMLSigner(key: TestPKI.p256.key, algorithm: .rsaSHA256, certificate: TestPKI.rsa.certificate)
        }
        #expect(throws: XMLSignatureError(.keyMismatch)) {
            try XMLSigner(key: TestPKI.impostor.key, algorithm: .rsaSHA256, certificate: TestPKI.rsa.certificate)
        }
    }

    @Test("signing an already signed document is refused")
    func signTwice() throws {
        let signer = try TestPKI.signer(TestPKI.p256)
        let signed = try signer.signEnveloped(Samples.orderBytes)
        #expect(throws: XMLSignatureError(.multipleSignatures)) { try signer.signEnveloped(signed) }
    }

    @Test("signing is safe from many tasks at once")
    func concurrentSigning() async throws {
        let signer = try TestPKI.signer(TestPKI.p256)
        let verifier = TestPKI.verifier(TestPKI.p256)
        let expected = try SafeXMLParser.parse(Samples.orderBytes)
        try await withThrowingTaskGroup(of: XMLElement.self) { group in
            for _ in 0..<32 {
                group.addTask {
                    try verifier.verify(try signer.signEnveloped(Samples.orderBytes), at: TestPKI.validTime).root
                }
            }
            for try await root in group { #expect(root == expected) }
        }
    }

    @Test("whitespace inside the content is signed")
    func whitespaceIsSigned() throws {
        let signed = try TestPKI.signer(TestPKI.rsa).signEnveloped(Samples.orderBytes)
        // Adding whitespace to the signed content changes what is signed.
        let reformatted = signed.string.replacingOnce("<Account>", with: "\n      <Account>")
        #expect(throws: XMLSignatureError(.digestMismatch)) {
            try TestPKI.verifier(TestPKI.rsa).verify(reformatted.bytes, at: TestPKI.validTime)
        }
    }
}
