import Foundation
import Testing
import AyatCore
import AyatPKI
import AyatXML
@testable import AyatDialects

/// Attacks on our own signed iso20022-bah messages. The target is the one that matters most: a
/// bank's genuine *rejection* receipt that an attacker wants the gateway to read as an
/// acceptance (or any other content than what was signed). Every attack must be refused by the
/// codec with the precise XMLSignatureError reason, and none may crash.
@Suite("iso20022-bah: attacks on signed messages are refused")
struct ISO20022BAHAttackTests {
    let pair: BAHCodecPair
    let receipt = BAHSamples.receipt(status: .rejected)
    /// The bank's genuine, signed rejection.
    let signed: String

    init() throws {
        pair = try BAHCodecPair.shared(.rsa2048)
        signed = String(decoding: try pair.bank.renderReply(.receipt(receipt), request: BAHSamples.line).bytes, as: UTF8.self)
    }

    // MARK: Helpers

    func read(_ message: String) throws -> BankReply {
        try pair.gateway.readReply(Array(message.utf8), headers: [:], request: BAHSamples.line, at: BAHSamples.now)
    }

    /// The codec refuses `message` as signature-invalid, for the reason `code`.
    func refuse(_ message: String, _ code: XMLSignatureError.Code, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(message != signed, "the attack changed nothing", sourceLocation: sourceLocation)
        let error = #expect(throws: DialectError.self, sourceLocation: sourceLocation) { try read(message) }
        #expect(error?.code == .signatureInvalid, "\(String(describing: error))", sourceLocation: sourceLocation)
        #expect(
            error?.reason.hasPrefix("\(code.name):") == true, "expected \(code.name), got \(String(describing: error))",
            sourceLocation: sourceLocation)
    }

    func slice(_ start: String, _ end: String) throws -> String {
        let from = try #require(signed.range(of: start))
        let to = try #require(signed[from.lowerBound...].range(of: end))
        return String(signed[from.lowerBound..<to.upperBound])
    }

    var document: String { get throws { try slice("<Document ", "</Document>") } }
    var appHdr: String { get throws { try slice("<AppHdr ", "</AppHdr>") } }
    var signature: String { get throws { try slice("<ds:Signature ", "</ds:Signature>") } }

    /// The attacker's Document: an acceptance, without the Id (which would be a duplicate).
    var forgedDocument: String {
        get throws {
            try document.replacingOnce("<Status>RJCT</Status>", with: "<Status>ACCP</Status>")
                .replacingOnce(" Id=\"Document\"", with: "")
        }
    }

    // MARK: Control

    @Test func control() throws {
        #expect(try read(signed) == .receipt(receipt))
        #expect(signed.contains("<Status>RJCT</Status>"))
    }

    // MARK: Changed content, values and keys

    @Test func aChangedStatusIsADigestMismatch() {
        refuse(signed.replacingOnce("<Status>RJCT</Status>", with: "<Status>ACCP</Status>"), .digestMismatch)
    }

    @Test func aChangedHeaderFieldIsADigestMismatch() {
        refuse(signed.replacingOnce("<BizMsgIdr>B014-RCPT-0001", with: "<BizMsgIdr>B014-RCPT-0002"), .digestMismatch)
        refuse(signed.replacingOnce("<Id>THACC</Id>", with: "<Id>OTHER</Id>"), .digestMismatch)
    }

    @Test func aChangedDigestValueIsAnInvalidSignature() {
        refuse(signed.replacingOnce("<ds:DigestValue>", with: "<ds:DigestValue>AAAA"), .signatureInvalid)
    }

    @Test func aChangedSignatureValueIsInvalid() throws {
        let start = try #require(signed.range(of: "<ds:SignatureValue>"))
        let end = try #require(signed.range(of: "</ds:SignatureValue>"))
        var value = try #require(Data(base64Encoded: String(signed[start.upperBound..<end.lowerBound]), options: .ignoreUnknownCharacters))
        value[value.count / 2] ^= 0x01
        refuse(signed.replacingCharacters(in: start.upperBound..<end.lowerBound, with: value.base64EncodedString()), .signatureInvalid)
    }

    @Test func anSKINamingAnUnpinnedCertificateIsRefused() throws {
        // A receipt from another PKI's "bank 014": its X509SKI names a certificate nobody pinned.
        let impostor = try BAHCodecPair.shared(.p256)
        let forged = String(decoding: try impostor.bank.renderReply(.receipt(BAHSamples.receipt(status: .accepted)), request: BAHSamples.line).bytes, as: UTF8.self)
        refuse(forged, .unpinnedCertificate)
        // The genuine signature with the SKI swapped for the impostor's: only selects, never trusts.
        let otherSKI = try #require(try impostor.bankIdentity.certificate.extensions.subjectKeyIdentifier)
        let swapped = try signed.replacingOnce(
            try slice("<ds:X509SKI>", "</ds:X509SKI>"),
            with: "<ds:X509SKI>\(Data(otherSKI.keyIdentifier).base64EncodedString())</ds:X509SKI>")
        refuse(swapped, .unpinnedCertificate)
    }

    @Test func aSignatureFromAnExpiredCertificateIsRefused() throws {
        // A dev PKI made three years ago: its two-year certificates have expired.
        let old = try BAHCodecPair(signingKeys: .p256, now: Date().addingTimeInterval(-3 * 365 * 86_400))
        let message = try old.bank.renderReply(.receipt(BAHSamples.receipt(status: .accepted)), request: BAHSamples.line)
        let error = #expect(throws: DialectError.self) {
            try old.gateway.readReply(message.bytes, headers: [:], request: BAHSamples.line, at: Date())
        }
        #expect(error?.reason.hasPrefix("certificateExpired:") == true, "\(String(describing: error))")
    }

    // MARK: Signature wrapping

    @Test func theSignedDocumentMovedIntoAnObjectWithTheAttackersInItsPlace() throws {
        let tampered = try signed.replacingOnce(try document, with: try forgedDocument)
            .replacingOnce("</ds:Signature>", with: "<ds:Object>\(try document)</ds:Object></ds:Signature>")
        refuse(tampered, .referenceNotRead)
    }

    @Test func theSignedDocumentMovedInsideTheSignature() throws {
        let tampered = try signed.replacingOnce(try document, with: try forgedDocument)
            .replacingOnce("</ds:Signature>", with: "\(try document)</ds:Signature>")
        refuse(tampered, .malformed)
    }

    @Test func theSignedDocumentMovedBeforeOrBesideTheSignature() throws {
        let before = try signed.replacingOnce(try document, with: try forgedDocument)
            .replacingOnce("<Sgntr>", with: "<Sgntr>\(try document)")
        refuse(before, .signatureMisplaced)
        let after = try signed.replacingOnce(try document, with: try forgedDocument)
            .replacingOnce("</ds:Signature>", with: "</ds:Signature>\(try document)")
        refuse(after, .signatureMisplaced)
    }

    @Test func theSignedDocumentCopiedBesideTheAttackersDocument() throws {
        let first = try signed.replacingOnce(try document, with: try forgedDocument + (try document))
        refuse(first, .layoutMismatch)
        let last = try signed.replacingOnce(try document, with: try document + (try forgedDocument))
        refuse(last, .layoutMismatch)
    }

    @Test func theSignedDocumentUnderANewWrapperWithTheAttackersInItsPlace() throws {
        // The wrapper beside the attacker's Document ...
        let beside = try signed.replacingOnce(
            try document, with: try forgedDocument + "<Wrapper>\(try document)</Wrapper>")
        refuse(beside, .layoutMismatch)
        // ... or hidden inside it, where the Reference still finds it by Id.
        let inside = try signed.replacingOnce(
            try document,
            with: try forgedDocument.replacingOnce("</Document>", with: "<Wrapper>\(try document)</Wrapper></Document>"))
        refuse(inside, .referenceNotRead)
        // ... or the whole signed message under a new root next to the attacker's.
        let body = try #require(signed.range(of: "<Message "))
        let original = String(signed[body.lowerBound...])
        let attackerMessage = try original.replacingOnce(try document, with: try forgedDocument)
            .replacingOnce(try signature, with: "")
        refuse("<Envelope>\(attackerMessage)<Hidden>\(original)</Hidden></Envelope>", .layoutMismatch)
    }

    @Test func theSignedHeaderCopiedOrMovedWithTheAttackersInItsPlace() throws {
        // Attacker's AppHdr (other sender, no Sgntr) first; the signed one beside it.
        let forgedHeader = try appHdr.replacingOnce(try signature, with: "").replacingOnce("<Sgntr></Sgntr>", with: "")
            .replacingOnce("<BizMsgIdr>B014-RCPT-0001", with: "<BizMsgIdr>B014-RCPT-9999")
        refuse(try signed.replacingOnce(try appHdr, with: forgedHeader + (try appHdr)), .layoutMismatch)
        // The signed AppHdr (and its Signature) hidden in the Document, the attacker's in its place.
        let hidden = try signed.replacingOnce(try appHdr, with: forgedHeader)
            .replacingOnce("</OrderReceipt></Document>", with: "</OrderReceipt>\(try appHdr)</Document>")
        refuse(hidden, .signatureMisplaced)
        // The Signature moved out of Sgntr into the Document (harmless in xml-enveloped, not here).
        let moved = try signed.replacingOnce(try signature, with: "")
            .replacingOnce("</OrderReceipt></Document>", with: "</OrderReceipt>\(try signature)</Document>")
        refuse(moved, .signatureMisplaced)
    }

    // MARK: Ids, Signatures, References

    @Test(arguments: ["Id=\"Document\"", "ID=\"Document\"", "id=\"KeyInfo\"", "xml:id=\"KeyInfo\""])
    func duplicateIDsAreRefused(attribute: String) {
        refuse(signed.replacingOnce("<Status>", with: "<Status \(attribute)>"), .duplicateID)
    }

    @Test func aSecondSignatureIsRefused() throws {
        let copy = try signature.replacingOnce("Id=\"KeyInfo\"", with: "Id=\"KeyInfo2\"")
        refuse(signed.replacingOnce("</OrderReceipt>", with: "</OrderReceipt>" + copy), .multipleSignatures)
    }

    @Test func aSecondSignedInfoIsRefused() throws {
        let copy = try slice("<ds:SignedInfo>", "</ds:SignedInfo>")
            .replacingOnce("<ds:SignedInfo>", with: "<ds:SignedInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\">")
        refuse(signed.replacingOnce("</OrderReceipt>", with: "</OrderReceipt>" + copy), .multipleSignedInfo)
    }

    @Test func aReferenceToAnElementTheCodeDoesNotReadIsRefused() throws {
        // These checks run before any cryptography, so they refuse the shape whoever signed it.
        let keyInfoReference = try slice("<ds:Reference URI=\"#KeyInfo\">", "</ds:Reference>")
        let extra = signed
            .replacingOnce("</ds:SignedInfo>", with: keyInfoReference.replacingOnce("#KeyInfo", with: "#Extra") + "</ds:SignedInfo>")
            .replacingOnce("</ds:Signature>", with: "<ds:Object Id=\"Extra\"><Status>ACCP</Status></ds:Object></ds:Signature>")
        refuse(extra, .referenceNotRead)
        // The Document Reference re-pointed at the KeyInfo: nothing names the Document any more.
        refuse(signed.replacingOnce("URI=\"#Document\"", with: "URI=\"#KeyInfo\""), .referenceNotRead)
        // The Document Reference re-pointed at an element inside the header.
        let inHeader = signed.replacingOnce("URI=\"#Document\"", with: "URI=\"#hdr\"")
            .replacingOnce("<BizMsgIdr>", with: "<BizMsgIdr Id=\"hdr\">")
        refuse(inHeader, .referenceNotRead)
        // A Reference dropped altogether.
        let documentReference = try slice("<ds:Reference URI=\"#Document\">", "</ds:Reference>")
        refuse(signed.replacingOnce(documentReference, with: ""), .referenceNotRead)
        // The whole-document Reference dropped.
        let wholeReference = try slice("<ds:Reference URI=\"\">", "</ds:Reference>")
        refuse(signed.replacingOnce(wholeReference, with: ""), .referenceNotRoot)
    }

    // MARK: Comments

    @Test func aCommentInsideDigestValueIsRefused() {
        refuse(signed.replacingOnce("<ds:DigestValue>", with: "<ds:DigestValue><!-- x -->"), .malformed)
    }

    @Test func commentsInsideTextTheCodeReadsChangeNothing() throws {
        // Comments are outside the signed node set and outside what is read: the receipt stays a rejection.
        let tampered = signed
            .replacingOnce("<Status>RJCT</Status>", with: "<Status>RJ<!-- ACCP -->CT</Status>")
            .replacingOnce("<BizMsgIdr>B014-RCPT-0001", with: "<BizMsgIdr>B014-<!---->RCPT-0001")
            .replacingOnce("บัญชีไม่มีอยู่", with: "บัญชี<!-- x -->ไม่มีอยู่")
        #expect(try read(tampered) == .receipt(receipt))
        // And a comment cannot cut a value short (SAML-style): the whole text is read.
        let split = signed.replacingOnce("<OriginalMsgId>AYAT-MSG-0001", with: "<OriginalMsgId>AYAT<!---->-MSG-0001")
        #expect(try read(split) == .receipt(receipt))
    }

    @Test func aProcessingInstructionInsideReadTextIsADigestMismatch() {
        refuse(signed.replacingOnce("<Status>RJCT</Status>", with: "<Status>RJ<?x ACCP?>CT</Status>"), .digestMismatch)
    }

    // MARK: DTDs and entities

    @Test func doctypesAndEntitiesAreRefused() {
        let xxe = signed.replacingOnce(
            "?>", with: "?><!DOCTYPE Message [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>")
            .replacingOnce("<Status>RJCT</Status>", with: "<Status>&x;</Status>")
        refuse(xxe, .dtdForbidden)
        let laughs = signed.replacingOnce(
            "?>",
            with: "?><!DOCTYPE Message [<!ENTITY a \"lol\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>")
            .replacingOnce("<Status>RJCT</Status>", with: "<Status>&c;</Status>")
        refuse(laughs, .dtdForbidden)
        let undeclared = signed.replacingOnce("<Status>RJCT</Status>", with: "<Status>&x;</Status>")
        refuse(undeclared, .dtdForbidden)
    }

    @Test func aQuadraticBlowUpIsBoundedBySize() {
        let big = String(repeating: "A", count: 5 * 1024 * 1024)
        refuse(signed.replacingOnce("<Status>RJCT</Status>", with: "<Status>\(big)</Status>"), .limitExceeded)
    }

    // MARK: Transforms and algorithms

    @Test(arguments: [
        "http://www.w3.org/TR/1999/REC-xslt-19991116",
        "http://www.w3.org/TR/1999/REC-xpath-19991116",
        "http://www.w3.org/2002/06/xmldsig-filter2",
        "urn:ayat:unknown-transform",
    ])
    func unknownXSLTAndXPathTransformsAreRefused(uri: String) throws {
        let documentReference = try slice("<ds:Reference URI=\"#Document\">", "</ds:Reference>")
        let changed = documentReference.replacingOnce("http://www.w3.org/2001/10/xml-exc-c14n#", with: uri)
        refuse(signed.replacingOnce(documentReference, with: changed), .transformForbidden)
    }

    @Test func sha1IsRefusedByPolicy() {
        refuse(
            signed.replacingOnce("http://www.w3.org/2001/04/xmlenc#sha256", with: "http://www.w3.org/2000/09/xmldsig#sha1"),
            .algorithmForbidden)
    }
}

fileprivate extension String {
    /// Replaces exactly one occurrence, failing the test when the anchor is absent, so an
    /// attack can never pass by changing nothing.
    func replacingOnce(_ target: String, with replacement: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
        guard let range = range(of: target) else {
            Issue.record("anchor not found: \(target.prefix(80))", sourceLocation: sourceLocation)
            return self
        }
        return replacingCharacters(in: range, with: replacement)
    }
}
