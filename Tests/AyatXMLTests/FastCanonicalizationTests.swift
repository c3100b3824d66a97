import Foundation
import Testing

@testable import AyatXML

/// The signer and verifier canonicalise with their own writer (no per-node callback, no
/// allocation per node); libxml2's c14n is the reference it must match byte for byte, on every
/// subtree of every document here, with and without an excluded subtree.
@Suite("Fast exclusive canonicalisation matches libxml2")
struct FastCanonicalizationTests {
    static let crafted: [String] = [
        // Default namespace declared, changed, undeclared and declared again; unused ones.
        """
        <r xmlns="urn:a" xmlns:u="urn:unused"><a><b xmlns="urn:b"><c xmlns=""><d/><e xmlns="urn:a"/></c></b></a>\
        <f xmlns=""><g/></f></r>
        """,
        // No namespace at the root, default namespaces below.
        "<r><a xmlns=\"urn:a\"><b/><c xmlns=\"\"/></a><d/></r>",
        // Prefixes: redeclared with another URI, two prefixes for one URI, attribute namespaces.
        """
        <p:r xmlns:p="urn:p" xmlns:q="urn:q" xmlns:s="urn:p" q:z="1" p:y="2" s:a="3" b="4" a="5">\
        <p:a xmlns:p="urn:other" p:x="6"><q:b q:c="7"/><s:c/></p:a><p:d/></p:r>
        """,
        // Attribute order across namespaces, xml:* attributes, escaping in attributes and text.
        """
        <r xmlns="http://example.com/ns#r" xmlns:b="http://example.com:8080/b" xml:lang="th" \
        b:k="&lt;&amp;&gt;&quot;&#9;&#10;&#13;'" k="x" Id="r1"><t>a &amp; b &lt; c &gt; d&#13;\
        "quoted" 'single'</t><u xml:space="preserve">  </u><![CDATA[<cdata & "stuff">]]></r>
        """,
        // Processing instructions and comments, before, inside and after the document element.
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <?first a&#13;?>
        <!-- before -->
        <r xmlns="urn:r"><?inner value?><!-- inside --><a>x<!-- split -->y</a><?empty?></r>
        <!-- after -->
        <?last z?>
        """,
        // Thai text, mixed content and whitespace.
        "<r xmlns=\"urn:r\">\n  <a>สมชาย ใจดี</a>\n  <b> ระงับ &amp; ตรวจสอบ </b>\n</r>",
        // A ds:Signature-like subtree inside the document, with its own prefix.
        """
        <m:Msg xmlns:m="urn:m" xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><m:Body Id="b">1</m:Body>\
        <ds:Signature><ds:SignedInfo><ds:Reference URI="#b"/></ds:SignedInfo>\
        <ds:KeyInfo Id="k"><ds:X509Data/></ds:KeyInfo></ds:Signature></m:Msg>
        """,
    ]

    @Test("crafted namespace, attribute, escaping and PI cases", arguments: 0..<crafted.count)
    func craftedDocuments(index: Int) throws {
        let report = try ExclusiveCanonicalWriter.differentialCheck(Self.crafted[index].bytes)
        #expect(report.mismatches.isEmpty, "\(report.mismatches.joined(separator: "\n"))")
        #expect(report.compared > 0)
    }

    @Test("every published vector document", .enabled(if: Vectors.available, "vectors folder absent"))
    func vectors() throws {
        let files = try FileManager.default.subpathsOfDirectory(atPath: Vectors.directory.path)
            .filter { $0.hasSuffix(".xml") }
        #expect(!files.isEmpty)
        var compared = 0
        for file in files {
            // Vectors with a DTD are refused by the parser before any canonicalisation.
            guard let report = try? ExclusiveCanonicalWriter.differentialCheck(Vectors.bytes(file), excludedSample: 6)
            else { continue }
            compared += report.compared
            #expect(report.mismatches.isEmpty, "\(file): \(report.mismatches.joined(separator: "\n"))")
        }
        #expect(compared > 0)
    }

    @Test("signed messages of both layouts, every key", arguments: TestPKI.all)
    func signedMessages(identity: TestPKI.Identity) throws {
        let signer = try TestPKI.signer(identity)
        let signed = try signer.signEnveloped(Samples.orderBytes)
        let report = try ExclusiveCanonicalWriter.differentialCheck(signed)
        #expect(report.mismatches.isEmpty, "\(report.mismatches.joined(separator: "\n"))")
        #expect(report.compared > 0)
    }

    @Test("a relative namespace URI is still refused, as libxml2 refuses it")
    func relativeNamespace() {
        for document in ["<r xmlns=\"relative/ns\"><a/></r>", "<r><a xmlns:p=\"p\"/></r>"] {
            #expect(throws: XMLSignatureError(.internalFailure), "\(document)") {
                try exclusiveCanonicalization(document.bytes)
            }
        }
    }

    @Test("which namespace URIs the writer trusts itself with")
    func absoluteNamespaceCheck() {
        func check(_ uri: String) -> Bool {
            uri.withCString { ExclusiveCanonicalWriter.namespaceIsSurelyAbsolute(UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self)) }
        }
        for uri in [
            "", "http://www.w3.org/2000/09/xmldsig#", "urn:iso:std:iso:20022:tech:xsd:head.001.001.02",
            "https://example.com:8443/a/b?c=d#e", "URN:x", "dav:x",
        ] {
            #expect(check(uri), "\(uri)")
        }
        for uri in [
            "relative", "/abs/path", "http:/x", "http://", "http://a b", "http://h:/x", "urn:", "urn:a#b#c",
            "http://u@h/", "http://h/%41", "mailto:a@b", "ht tp://x", "urn:ä",
        ] {
            #expect(!check(uri), "\(uri)")
        }
    }
}
