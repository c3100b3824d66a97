import AyatRSA
import AyatXML
import Crypto
import Foundation
import Testing
import X509
import _CryptoExtras

/// Identities whose certificates carry a subjectKeyIdentifier (the BAH layout names the
/// signer by X509SKI), made once per run from the same keys as ``TestPKI``.
enum BAHTestPKI {
    static let rsa = identity(.rsa(TestPKI.rsaKey), algorithm: .rsaSHA256, commonName: "Ayat BAH RSA")
    static let rsaPSS = TestPKI.Identity(
        key: rsa.key, certificate: rsa.certificate, algorithm: .rsaPSSSHA256, privateKeyPEM: rsa.privateKeyPEM,
        certificatePEM: rsa.certificatePEM)
    static let p256 = identity(.p256(TestPKI.p256Key), algorithm: .ecdsaP256SHA256, commonName: "Ayat BAH P-256")
    /// Same subject as ``rsa``, another key (and so another SKI).
    static let impostor = identity(.rsa(TestPKI.otherRSAKey), algorithm: .rsaSHA256, commonName: "Ayat BAH RSA")

    static let all: [TestPKI.Identity] = [rsa, rsaPSS, p256]

    static func identity(_ key: XMLSigningKey, algorithm: XMLSignatureAlgorithm, commonName: String) -> TestPKI.Identity {
        let privateKey: Certificate.PrivateKey
        let signatureAlgorithm: Certificate.SignatureAlgorithm
        let pem: String
        switch key {
        case .rsa(let rsa):
            privateKey = Certificate.PrivateKey(rsa.swiftCryptoKey)
            signatureAlgorithm = .sha256WithRSAEncryption
            pem = rsa.swiftCryptoKey.pemRepresentation
        case .p256(let p256):
            privateKey = Certificate.PrivateKey(p256)
            signatureAlgorithm = .ecdsaWithSHA256
            pem = p256.pemRepresentation
        }
        let ski = ArraySlice(Insecure.SHA1.hash(data: Array(privateKey.publicKey.subjectPublicKeyInfoBytes)))
        let name = try! DistinguishedName {
            CountryName("TH")
            OrganizationName("Ayat Test Bank, Ltd.")
            CommonName(commonName)
        }
        let certificate = try! Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: privateKey.publicKey,
            notValidBefore: TestPKI.notBefore, notValidAfter: TestPKI.notAfter, issuer: name, subject: name,
            signatureAlgorithm: signatureAlgorithm,
            extensions: try! Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                SubjectKeyIdentifier(keyIdentifier: ski)
            },
            issuerPrivateKey: privateKey)
        return TestPKI.Identity(
            key: key, certificate: certificate, algorithm: algorithm, privateKeyPEM: pem,
            certificatePEM: try! certificate.serializeAsPEM().pemString)
    }

    static func subjectKeyIdentifier(_ identity: TestPKI.Identity) throws -> String {
        let ski = try #require(try identity.certificate.extensions.subjectKeyIdentifier)
        return Data(ski.keyIdentifier).base64EncodedString()
    }
}

/// An unsigned message in the BAH layout, with Thai text and some whitespace.
enum BAHSamples {
    static let holderName = "สมชาย ใจดี"
    static let envelopeNamespace = "urn:ayat:test:bah"
    static let head = BusinessApplicationHeader.headerNamespace

    static func message(sgntr: String = "", related: String = "", documentAttributes: String = " Id=\"Document\"")
        -> String
    {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <Message xmlns="\(envelopeNamespace)">
          <AppHdr xmlns="\(head)"><Fr><FIId><FinInstnId><Othr><Id>THACC</Id></Othr></FinInstnId></FIId></Fr>\
        <To><FIId><FinInstnId><Othr><Id>014</Id></Othr></FinInstnId></FIId></To><BizMsgIdr>MSG-0001</BizMsgIdr>\
        <MsgDefIdr>ayat.freeze.001</MsgDefIdr><CreDt>2026-09-01T00:00:00Z</CreDt>\(sgntr)\(related)</AppHdr>
          <Document\(documentAttributes)>
            <FreezeOrder><Holder>\(holderName)</Holder><Amount Ccy="THB">15000.00</Amount></FreezeOrder>
          </Document>
        </Message>
        """
    }

    static var messageBytes: [UInt8] { message().bytes }
}

@Suite("ISO 20022 BAH layout: sign and verify")
struct BusinessApplicationHeaderTests {
    @Test("signs and verifies; header and document read back exactly", arguments: BAHTestPKI.all)
    func roundTrip(identity: TestPKI.Identity) throws {
        let signed = try TestPKI.signer(identity).signBusinessApplicationHeader(BAHSamples.messageBytes)
        let verified = try TestPKI.verifier(identity).verifyBusinessApplicationHeader(signed, at: TestPKI.validTime)
        #expect(verified.signer == identity.certificate)
        #expect(verified.algorithm == identity.algorithm)
        #expect(verified.references.map(\.uri) == ["", "#Document", "#KeyInfo"])

        let unsigned = try SafeXMLParser.parse(BAHSamples.messageBytes)
        #expect(verified.document == unsigned.children[1])
        #expect(verified.document.child("FreezeOrder")?.child("Holder")?.text == BAHSamples.holderName)
        // The header is the unsigned one plus the (now empty) Sgntr the signer added.
        var header = verified.header
        #expect(header.children.last?.name == "Sgntr")
        #expect(header.children.last?.children.isEmpty == true)
        header.children.removeLast()
        #expect(header == unsigned.children[0])
        #expect(verified.envelope.children == [verified.header, verified.document])

        // Thai text travels as UTF-8, not as character references, and the Signature sits in Sgntr.
        let text = signed.string
        #expect(text.contains(BAHSamples.holderName))
        #expect(text.contains("<CreDt>2026-09-01T00:00:00Z</CreDt><Sgntr><ds:Signature "))
        #expect(text.contains("<ds:X509SKI>\(try BAHTestPKI.subjectKeyIdentifier(identity))</ds:X509SKI>"))
    }

    @Test func anEmptySgntrIsFilledAndOneIsCreatedBeforeRltd() throws {
        let signer = try TestPKI.signer(BAHTestPKI.p256)
        let verifier = TestPKI.verifier(BAHTestPKI.p256)
        let withEmpty = try signer.signBusinessApplicationHeader(BAHSamples.message(sgntr: "<Sgntr/>").bytes)
        _ = try verifier.verifyBusinessApplicationHeader(withEmpty, at: TestPKI.validTime)
        #expect(withEmpty.string.components(separatedBy: "<Sgntr>").count == 2)

        let related = "<Rltd><BizMsgIdr>MSG-0000</BizMsgIdr></Rltd>"
        let withRelated = try signer.signBusinessApplicationHeader(BAHSamples.message(related: related).bytes)
        let verified = try verifier.verifyBusinessApplicationHeader(withRelated, at: TestPKI.validTime)
        #expect(verified.header.children.suffix(2).map(\.name) == ["Sgntr", "Rltd"])
    }

    @Test func theSignerRefusesWhatItCannotSignInThisLayout() throws {
        // No subjectKeyIdentifier in the certificate: the layout cannot name the signer.
        #expect(throws: XMLSignatureError(.keyMismatch)) {
            try TestPKI.signer(TestPKI.rsa).signBusinessApplicationHeader(BAHSamples.messageBytes)
        }
        let signer = try TestPKI.signer(BAHTestPKI.rsa)
        #expect(throws: XMLSignatureError(.layoutMismatch)) {
            try signer.signBusinessApplicationHeader(BAHSamples.message(documentAttributes: "").bytes)
        }
        #expect(throws: XMLSignatureError(.layoutMismatch)) {
            try signer.signBusinessApplicationHeader(Samples.orderBytes)
        }
        #expect(throws: XMLSignatureError(.layoutMismatch)) {
            try signer.signBusinessApplicationHeader(BAHSamples.message(sgntr: "<Sgntr><X/></Sgntr>").bytes)
        }
        let signed = try signer.signBusinessApplicationHeader(BAHSamples.messageBytes)
        #expect(throws: XMLSignatureError(.multipleSignatures)) { try signer.signBusinessApplicationHeader(signed) }
    }

    @Test func theEnvelopedLayoutIsNotABusinessMessage() throws {
        let enveloped = try TestPKI.signer(BAHTestPKI.rsa).signEnveloped(Samples.orderBytes)
        #expect(throws: XMLSignatureError(.layoutMismatch)) {
            try TestPKI.verifier(BAHTestPKI.rsa).verifyBusinessApplicationHeader(enveloped, at: TestPKI.validTime)
        }
    }

    @Test func theSKIOnlySelectsAmongPinnedCertificates() throws {
        let signed = try TestPKI.signer(BAHTestPKI.p256).signBusinessApplicationHeader(BAHSamples.messageBytes)
        let both = XMLSignatureVerifier(pinned: [BAHTestPKI.rsa.certificate, BAHTestPKI.p256.certificate])
        #expect(try both.verifyBusinessApplicationHeader(signed, at: TestPKI.validTime).signer == BAHTestPKI.p256.certificate)
        // The SKI names a certificate nobody pinned.
        let other = XMLSignatureVerifier(pinned: [BAHTestPKI.rsa.certificate, BAHTestPKI.impostor.certificate])
        let error = #expect(throws: XMLSignatureError(.unpinnedCertificate)) {
            try other.verifyBusinessApplicationHeader(signed, at: TestPKI.validTime)
        }
        #expect(error?.reason.contains("subject key identifier") == true)
    }

    @Test func aSchemaFileImportsItsSiblingsForOtherNamespaces() throws {
        let directory = try TemporaryDirectory()
        try directory.write(
            "main.xsd",
            """
            <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:o="urn:other" targetNamespace="urn:main" \
            elementFormDefault="qualified"><xs:import namespace="urn:other" schemaLocation="other.xsd"/>\
            <xs:element name="M"><xs:complexType><xs:sequence><xs:element ref="o:O"/></xs:sequence></xs:complexType>\
            </xs:element></xs:schema>
            """.bytes)
        try directory.write(
            "other.xsd",
            """
            <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:other">\
            <xs:element name="O" type="xs:int"/></xs:schema>
            """.bytes)
        let schema = try XMLSchema(contentsOf: directory.url.appendingPathComponent("main.xsd"))
        try schema.validate("<M xmlns=\"urn:main\"><O xmlns=\"urn:other\">42</O></M>".bytes)
        #expect(throws: XMLSignatureError(.schemaInvalid)) {
            try schema.validate("<M xmlns=\"urn:main\"><O xmlns=\"urn:other\">x</O></M>".bytes)
        }
        #expect(throws: XMLSignatureError(.schemaMalformed)) {
            try XMLSchema(contentsOf: directory.url.appendingPathComponent("missing.xsd"))
        }
    }
}

@Suite(
    "ISO 20022 BAH layout: interop with xmlsec1",
    .enabled(if: XMLSec.shouldRun, "xmlsec1 not found: interop tests skipped (CI=true makes this a failure)"))
struct BusinessApplicationHeaderInteropTests {
    /// xmlsec1 1.2.37 has no RSA-PSS.
    static let identities = [BAHTestPKI.rsa, BAHTestPKI.p256]
    static let idAttribute = ["--id-attr:Id", "\(BAHSamples.envelopeNamespace):Document"]

    @Test("xmlsec1 --verify accepts what signBusinessApplicationHeader produced", arguments: identities)
    func xmlsecVerifiesOurSignature(identity: TestPKI.Identity) throws {
        // Control: xmlsec1 really checks the header and the document.
        try XMLSec.expectVerified(
            try TestPKI.signer(identity).signBusinessApplicationHeader(BAHSamples.messageBytes), by: identity, references: 3,
            options: Self.idAttribute,
            tamperings: [("15000.00", "95000.00"), ("<BizMsgIdr>MSG-0001", "<BizMsgIdr>MSG-0002")])
    }

    @Test("verifyBusinessApplicationHeader accepts what xmlsec1 --sign produced", arguments: identities)
    func weVerifyXMLSecSignature(identity: TestPKI.Identity) throws {
        let directory = try TemporaryDirectory()
        try directory.write("cert.pem", identity.certificatePEM.bytes)
        try directory.write("key.pem", identity.privateKeyPEM.bytes)
        try directory.write("template.xml", Self.template(algorithm: identity.algorithm).bytes)
        let signing = try XMLSec.run(
            ["--sign", "--privkey-pem", "key.pem,cert.pem"] + Self.idAttribute
                + ["--output", "signed.xml", "template.xml"], in: directory.url)
        try #require(signing.status == 0, "\(signing.output)")
        let signed = try directory.read("signed.xml")
        // xmlsec1 filled the X509SKI from the certificate.
        #expect(signed.string.contains(try BAHTestPKI.subjectKeyIdentifier(identity)))

        let verified = try TestPKI.verifier(identity).verifyBusinessApplicationHeader(signed, at: TestPKI.validTime)
        #expect(verified.signer == identity.certificate)
        #expect(verified.algorithm == identity.algorithm)
        let unsigned = try SafeXMLParser.parse(BAHSamples.messageBytes)
        #expect(verified.document == unsigned.children[1])
        #expect(verified.header.child("BizMsgIdr")?.text == "MSG-0001")

        let tampered = signed.string.replacingOnce("15000.00", with: "95000.00")
        #expect(throws: XMLSignatureError(.digestMismatch)) {
            try TestPKI.verifier(identity).verifyBusinessApplicationHeader(tampered.bytes, at: TestPKI.validTime)
        }
    }

    /// The BAH layout with empty DigestValue, SignatureValue and X509SKI for xmlsec1 to fill.
    static func template(algorithm: XMLSignatureAlgorithm) -> String {
        let dsig = "http://www.w3.org/2000/09/xmldsig#"
        let exc = "http://www.w3.org/2001/10/xml-exc-c14n#"
        let sha256 = "http://www.w3.org/2001/04/xmlenc#sha256"
        func reference(_ uri: String, enveloped: Bool) -> String {
            let envelopedTransform = enveloped ? "<ds:Transform Algorithm=\"\(dsig)enveloped-signature\"/>" : ""
            return """
                <ds:Reference URI="\(uri)"><ds:Transforms>\(envelopedTransform)<ds:Transform Algorithm="\(exc)"/>\
                </ds:Transforms><ds:DigestMethod Algorithm="\(sha256)"/><ds:DigestValue/></ds:Reference>
                """
        }
        let signature = """
            <Sgntr><ds:Signature xmlns:ds="\(dsig)"><ds:SignedInfo>\
            <ds:CanonicalizationMethod Algorithm="\(exc)"/><ds:SignatureMethod Algorithm="\(algorithm.uri)"/>\
            \(reference("", enveloped: true))\(reference("#Document", enveloped: false))\
            \(reference("#KeyInfo", enveloped: false))</ds:SignedInfo><ds:SignatureValue/>\
            <ds:KeyInfo Id="KeyInfo"><ds:X509Data><ds:X509SKI/></ds:X509Data></ds:KeyInfo></ds:Signature></Sgntr>
            """
        return BAHSamples.message(sgntr: signature)
    }
}
