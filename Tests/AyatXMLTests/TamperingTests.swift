import AyatXML
import Foundation
import Testing

/// Each test starts from a document we signed ourselves and changes one thing an attacker would.
@Suite("Tampered documents are refused")
struct TamperingTests {
    let identity = TestPKI.rsa
    let signed: String
    let verifier: XMLSignatureVerifier

    init() throws {
        signed = try TestPKI.signer(TestPKI.rsa).signEnveloped(Samples.orderBytes).string
        verifier = TestPKI.verifier(TestPKI.rsa)
    }

    func verify(_ document: String, at time: Date = TestPKI.validTime) throws -> VerifiedXMLDocument {
        try verifier.verify(document.bytes, at: time)
    }

    /// The untampered document verifies: every refusal below is caused by the change alone.
    @Test func control() throws {
        _ = try verify(signed)
    }

    @Test func changedTextIsADigestMismatch() {
        let tampered = signed.replacingOnce("15000.00", with: "95000.00")
        #expect(throws: XMLSignatureError(.digestMismatch)) { try verify(tampered) }
    }

    @Test func changedAttributeIsADigestMismatch() {
        let tampered = signed.replacingOnce("Ccy=\"THB\"", with: "Ccy=\"USD\"")
        #expect(throws: XMLSignatureError(.digestMismatch)) { try verify(tampered) }
    }

    @Test func changedSignatureValueIsInvalid() throws {
        let start = try #require(signed.range(of: "<ds:SignatureValue>"))
        let end = try #require(signed.range(of: "</ds:SignatureValue>"))
        var value = try #require(Data(base64Encoded: String(signed[start.upperBound..<end.lowerBound])))
        value[value.count / 2] ^= 0x01
        let tampered = signed.replacingCharacters(in: start.upperBound..<end.lowerBound, with: value.base64EncodedString())
        #expect(throws: XMLSignatureError(.signatureInvalid)) { try verify(tampered) }
    }

    @Test func changedSignedInfoIsInvalid() {
        // Re-pointing a digest without re-signing: SignedInfo no longer matches the SignatureValue.
        let tampered = signed.replacingOnce("<ds:DigestValue>", with: "<ds:DigestValue>AAAA")
        #expect(throws: XMLSignatureError(.signatureInvalid)) { try verify(tampered) }
    }

    @Test func unpinnedCertificateIsRefused() throws {
        // Pinned: only the impostor (same subject name). KeyInfo names the real certificate.
        let verifier = XMLSignatureVerifier(pinned: [TestPKI.impostor.certificate])
        #expect(throws: XMLSignatureError(.unpinnedCertificate)) {
            try verifier.verify(signed.bytes, at: TestPKI.validTime)
        }
        // And a document signed by the impostor is refused by a verifier pinning the real one.
        let forged = try TestPKI.signer(TestPKI.impostor).signEnveloped(Samples.orderBytes)
        #expect(throws: XMLSignatureError(.unpinnedCertificate)) {
            try TestPKI.verifier(TestPKI.rsa).verify(forged, at: TestPKI.validTime)
        }
    }

    @Test func expiredCertificateIsRefused() {
        let afterExpiry = TestPKI.notAfter.addingTimeInterval(86_400)
        #expect(throws: XMLSignatureError(.certificateExpired)) { try verify(signed, at: afterExpiry) }
        let beforeValidity = TestPKI.notBefore.addingTimeInterval(-86_400)
        #expect(throws: XMLSignatureError(.certificateNotYetValid)) { try verify(signed, at: beforeValidity) }
    }

    @Test func secondSignatureIsRefused() throws {
        let start = try #require(signed.range(of: "<ds:Signature "))
        let end = try #require(signed.range(of: "</ds:Signature>"))
        let copy = String(signed[start.lowerBound..<end.upperBound]).replacingOnce("Id=\"KeyInfo\"", with: "Id=\"KeyInfo2\"")
        let tampered = signed.replacingOnce("<Note>", with: copy + "<Note>")
        #expect(throws: XMLSignatureError(.multipleSignatures)) { try verify(tampered) }
    }

    @Test func secondSignedInfoIsRefused() throws {
        let start = try #require(signed.range(of: "<ds:SignedInfo>"))
        let end = try #require(signed.range(of: "</ds:SignedInfo>"))
        let copy = String(signed[start.lowerBound..<end.upperBound])
            .replacingOnce("<ds:SignedInfo>", with: "<ds:SignedInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">")
        let tampered = signed.replacingOnce("<Note>", with: copy + "<Note>")
        #expect(throws: XMLSignatureError(.multipleSignedInfo)) { try verify(tampered) }
    }

    @Test(arguments: ["Id=\"order-1\"", "ID=\"order-1\"", "id=\"KeyInfo\"", "xml:id=\"KeyInfo\""])
    func duplicateIDIsRefused(attribute: String) {
        let tampered = signed.replacingOnce("<Note>", with: "<Extra \(attribute)/><Note>")
        #expect(throws: XMLSignatureError(.duplicateID)) { try verify(tampered) }
    }

    @Test func wrappedUnderANewRootIsRefused() throws {
        // The signed root moves under an attacker's wrapper, next to the attacker's own order.
        let body = try #require(signed.range(of: "<FreezeOrder"))
        let original = String(signed[body.lowerBound...])
        let attacker = Samples.order.replacingOnce("15000.00", with: "1.00")
            .replacingOnce("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", with: "")
            .replacingOnce("Id=\"order-1\"", with: "Id=\"order-2\"")
        let tampered = "<Wrapper>\(attacker)<Hidden>\(original)</Hidden></Wrapper>"
        #expect(throws: XMLSignatureError(.digestMismatch)) { try verify(tampered) }
    }

    @Test func originalMovedIntoSignatureObjectIsRefused() throws {
        // XSW: the signed content hides in ds:Object, the root now says what the attacker wants.
        let caseStart = try #require(signed.range(of: "<Case"))
        let caseEnd = try #require(signed.range(of: "</Case>"))
        let originalCase = String(signed[caseStart.lowerBound..<caseEnd.upperBound])
        let tampered = signed
            .replacingOnce(originalCase, with: originalCase.replacingOnce("15000.00", with: "1.00"))
            .replacingOnce("</ds:Signature>", with: "<ds:Object>\(originalCase)</ds:Object></ds:Signature>")
        #expect(throws: XMLSignatureError(.digestMismatch)) { try verify(tampered) }
    }

    @Test func signatureCoveringOnlyKeyInfoIsRefused() throws {
        // Drop the URI="" Reference: what remains signs KeyInfo only, not the content read.
        let start = try #require(signed.range(of: "<ds:Reference URI=\"\">"))
        let end = try #require(signed[start.upperBound...].range(of: "</ds:Reference>"))
        let tampered = signed.replacingCharacters(in: start.lowerBound..<end.upperBound, with: "")
        #expect(throws: XMLSignatureError(.referenceNotRoot)) { try verify(tampered) }
    }

    @Test func commentInsideTextChangesNothing() throws {
        // Comments are outside the signed node set and outside what XMLElement reports;
        // a PI is signed but never read: neither can change what the caller sees.
        let tampered = signed.replacingOnce(Samples.holderName, with: "สมชาย <!-- ผู้โจมตี -->ใจดี")
        let verified = try verify(tampered)
        #expect(verified.root == (try SafeXMLParser.parse(Samples.orderBytes)))
        #expect(verified.root.child("Case")?.child("Holder")?.text == Samples.holderName)
        #expect(verified.root.child("Case")?.child("Amount")?.text == "15000.00")
    }

    @Test func commentSplittingTextStillReadsTheWholeText() throws {
        // The SAML-style trick: the reader must not see only the text before the comment.
        let tampered = signed.replacingOnce("15000.00", with: "1<!---->5000.00")
        let verified = try verify(tampered)
        #expect(verified.root.child("Case")?.child("Amount")?.text == "15000.00")
    }

    @Test func processingInstructionInsideSignedTextIsADigestMismatch() {
        // PIs are part of the canonical form, so adding one changes the digest.
        let tampered = signed.replacingOnce("15000.00", with: "150<?pi x?>00.00")
        #expect(throws: XMLSignatureError(.digestMismatch)) { try verify(tampered) }
    }

    @Test func commentInsideDigestValueIsRefused() {
        let tampered = signed.replacingOnce("<ds:DigestValue>", with: "<ds:DigestValue><!-- x -->")
        #expect(throws: XMLSignatureError(.malformed)) { try verify(tampered) }
    }

    @Test func forbiddenTransformsAreRefused() {
        let xslt = signed.replacingOnce(
            "http://www.w3.org/2000/09/xmldsig#enveloped-signature", with: "http://www.w3.org/TR/1999/REC-xslt-19991116")
        #expect(throws: XMLSignatureError(.transformForbidden)) { try verify(xslt) }
        let xpath = signed.replacingOnce(
            "http://www.w3.org/2000/09/xmldsig#enveloped-signature", with: "http://www.w3.org/TR/1999/REC-xpath-19991116")
        #expect(throws: XMLSignatureError(.transformForbidden)) { try verify(xpath) }
        let inclusive = signed.replacingOnce(
            "<ds:Transform Algorithm=\"http://www.w3.org/2001/10/xml-exc-c14n#\"/></ds:Transforms><ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><ds:DigestValue>",
            with:
                "<ds:Transform Algorithm=\"http://www.w3.org/TR/2001/REC-xml-c14n-20010315\"/></ds:Transforms><ds:DigestMethod Algorithm=\"http://www.w3.org/2001/04/xmlenc#sha256\"/><ds:DigestValue>"
        )
        #expect(throws: XMLSignatureError(.transformForbidden)) { try verify(inclusive) }
        let tooMany = signed.replacingOnce(
            "<ds:Transforms>",
            with: "<ds:Transforms><ds:Transform Algorithm=\"http://www.w3.org/2000/09/xmldsig#enveloped-signature\"/>")
        #expect(throws: XMLSignatureError(.limitExceeded)) { try verify(tooMany) }
    }

    @Test func weakAlgorithmsAreRefusedWithAReason() throws {
        let sha1Digest = signed.replacingOnce(
            "http://www.w3.org/2001/04/xmlenc#sha256", with: "http://www.w3.org/2000/09/xmldsig#sha1")
        let error = #expect(throws: XMLSignatureError(.algorithmForbidden)) { try verify(sha1Digest) }
        #expect(error?.reason.contains("SHA-1") == true)

        let md5 = signed.replacingOnce(
            "http://www.w3.org/2001/04/xmlenc#sha256", with: "http://www.w3.org/2001/04/xmldsig-more#md5")
        let md5Error = #expect(throws: XMLSignatureError(.algorithmForbidden)) { try verify(md5) }
        #expect(md5Error?.reason.contains("MD5") == true)

        let hmac = signed.replacingOnce(
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", with: "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256")
        #expect(throws: XMLSignatureError(.algorithmForbidden)) { try verify(hmac) }

        let rsaSHA1 = signed.replacingOnce(
            "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", with: "http://www.w3.org/2000/09/xmldsig#rsa-sha1")
        let rsaSHA1Error = #expect(throws: XMLSignatureError(.algorithmForbidden)) { try verify(rsaSHA1) }
        #expect(rsaSHA1Error?.reason.contains("SHA-1") == true)
    }

    @Test func referencesOutsideTheDocumentAreRefused() {
        let external = signed.replacingOnce("URI=\"#KeyInfo\"", with: "URI=\"http://attacker.example/x.xml\"")
        #expect(throws: XMLSignatureError(.referenceNotFound)) { try verify(external) }
        let xpointer = signed.replacingOnce("URI=\"#KeyInfo\"", with: "URI=\"#xpointer(id('KeyInfo'))\"")
        #expect(throws: XMLSignatureError(.referenceNotFound)) { try verify(xpointer) }
        let missing = signed.replacingOnce("URI=\"#KeyInfo\"", with: "URI=\"#nowhere\"")
        #expect(throws: XMLSignatureError(.referenceNotFound)) { try verify(missing) }
    }

    @Test func doctypeOnASignedDocumentIsRefused() {
        let tampered = signed.replacingOnce("?>", with: "?><!DOCTYPE FreezeOrder [<!ATTLIST Case x CDATA \"1\">]>")
        #expect(throws: XMLSignatureError(.dtdForbidden)) { try verify(tampered) }
    }

    @Test func signatureMovedElsewhereChangesNothingRead() throws {
        // The enveloped transform removes the Signature wherever it sits, and so does `root`:
        // moving it is harmless, and the reader still sees exactly the signed content.
        let start = try #require(signed.range(of: "<ds:Signature "))
        let end = try #require(signed.range(of: "</ds:Signature>"))
        let signature = String(signed[start.lowerBound..<end.upperBound])
        let moved = signed.replacingOnce(signature, with: "").replacingOnce("</Case>", with: signature + "</Case>")
        #expect(try verify(moved).root == (try SafeXMLParser.parse(Samples.orderBytes)))
        // ... but moving it together with whitespace changes the signed content.
        let withSpace = signed.replacingOnce(signature, with: "").replacingOnce("</Case>", with: " " + signature + "</Case>")
        #expect(throws: XMLSignatureError(.digestMismatch)) { try verify(withSpace) }
    }
}
