import Foundation
import Testing

@testable import AyatXML

/// The signer writes the Signature as bytes into the document's canonical form when that form
/// serialises the document faithfully, and builds it as libxml2 nodes otherwise. Both must make
/// the same signature; RSA PKCS#1 v1.5 is deterministic, so the two outputs can be compared.
@Suite("Spliced signing: the fast path makes the signature the node path makes")
struct SplicedSigningTests {
    /// Namespaces declared only where they are used: the fast path applies.
    static let plainOrder = """
        <?xml version="1.0" encoding="UTF-8"?>
        <FreezeOrder xmlns="urn:ayat:test:freeze" Id="order-1">
          <Case xmlns:x="urn:ayat:test:extra" x:ref="C-2026-0042">
            <Holder>\(Samples.holderName)</Holder>
            <Amount Ccy="THB">15000.00</Amount>
          </Case>
          <Note>ระงับ &amp; ตรวจสอบ &gt; "ทันที"</Note>
        </FreezeOrder>
        """

    static func signed(_ document: String, layout: Layout, splicing: Bool) throws -> [UInt8] {
        var signer = try TestPKI.signer(layout == .enveloped ? TestPKI.rsa : BAHTestPKI.rsa)
        signer.splicing = splicing
        switch layout {
        case .enveloped: return try signer.signEnveloped(document.bytes)
        case .businessApplicationHeader: return try signer.signBusinessApplicationHeader(document.bytes)
        }
    }

    enum Layout: CaseIterable { case enveloped, businessApplicationHeader }

    static func canonical(_ document: [UInt8]) throws -> [UInt8] {
        let parsed = try LibXML2Document(parsing: document, maxBytes: 1 << 20)
        return try parsed.libxml2CanonicalBytes(
            apex: nil, excluding: nil, mode: .exclusive, withComments: false, inclusivePrefixes: []) { Array($0) }
    }

    @Test("both paths sign the same bytes, and each output verifies", arguments: Layout.allCases)
    func bothPathsAgree(layout: Layout) throws {
        let document = layout == .enveloped ? Self.plainOrder : BAHSamples.message()
        #expect(try LibXML2Document(parsing: document.bytes, maxBytes: 1 << 20).faithfulCanonicalForm() != nil)

        let spliced = try Self.signed(document, layout: layout, splicing: true)
        let built = try Self.signed(document, layout: layout, splicing: false)
        #expect(spliced != built, "the node path serialises with libxml2, so the bytes should differ")
        // The same document and the same (deterministic) signature, however serialised.
        #expect(try Self.canonical(spliced) == Self.canonical(built))

        for output in [spliced, built] {
            switch layout {
            case .enveloped:
                _ = try TestPKI.verifier(TestPKI.rsa).verify(output, at: TestPKI.validTime)
            case .businessApplicationHeader:
                _ = try TestPKI.verifier(BAHTestPKI.rsa).verifyBusinessApplicationHeader(output, at: TestPKI.validTime)
            }
        }
    }

    @Test("xmlsec1 --verify accepts the spliced xml-enveloped signature, and refuses it tampered",
          .enabled(if: XMLSec.shouldRun, "xmlsec1 not found"), arguments: XMLSecInteropTests.identities)
    func xmlsecVerifiesSplicedSignature(identity: TestPKI.Identity) throws {
        try XMLSec.expectVerified(try TestPKI.signer(identity).signEnveloped(Self.plainOrder.bytes), by: identity)
    }

    /// A prefix used only inside an attribute value (a QName, as in `xsi:type`) is not visibly
    /// used, so exc-c14n would drop its declaration and the bank could no longer resolve it.
    @Test("a document whose canonical form would lose a declaration is signed as nodes and keeps it")
    func declarationsAreNeverLost() throws {
        let document = """
            <Order xmlns="urn:ayat:test:freeze" xmlns:t="urn:ayat:test:types"><Amount kind="t:money">1</Amount></Order>
            """
        #expect(try LibXML2Document(parsing: document.bytes, maxBytes: 1 << 20).faithfulCanonicalForm() == nil)
        let signed = try TestPKI.signer(TestPKI.rsa).signEnveloped(document.bytes)
        #expect(signed.string.contains("xmlns:t=\"urn:ayat:test:types\""))
        _ = try TestPKI.verifier(TestPKI.rsa).verify(signed, at: TestPKI.validTime)
    }

    @Test("the canonical form counts as faithful only when every element declares exactly what it renders",
          arguments: [
            ("<r xmlns=\"urn:r\"><a/><b xmlns:p=\"urn:p\" p:k=\"1\"/></r>", true),
            ("<p:r xmlns:p=\"urn:p\"><p:a/><?pi here?></p:r>", true),
            ("<r xmlns=\"urn:r\" xmlns:u=\"urn:unused\"><a/></r>", false),  // unused: dropped
            ("<r xmlns:p=\"urn:p\"><p:a/></r>", false),  // declared above its use: moved down
            ("<r xmlns=\"urn:r\"><a xmlns=\"urn:r\"/></r>", false),  // redundant: dropped
            ("<r xmlns=\"urn:r\"><a xmlns=\"\"/></r>", true),  // an undeclaration that is rendered
            ("<r xmlns=\"urn:r\"><a xmlns=\"\"><b xmlns=\"\"/></a></r>", false),  // a redundant one
          ])
    func faithfulness(document: String, faithful: Bool) throws {
        let parsed = try LibXML2Document(parsing: document.bytes, maxBytes: 1 << 20)
        let form = parsed.faithfulCanonicalForm()
        #expect((form != nil) == faithful)
        if let form {
            // Faithful or not, it is the canonical form libxml2 writes.
            #expect(form == (try Self.canonical(document.bytes)))
        }
    }
}
