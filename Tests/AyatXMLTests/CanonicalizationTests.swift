import AyatXML
import Testing

@Suite("Exclusive canonicalisation")
struct CanonicalizationTests {
    @Test func wholeDocument() throws {
        let input = """
            <?xml version="1.0" encoding="UTF-8"?>
            <?pi  data?>
            <!-- head -->
            <r xmlns="urn:r" xmlns:unused="urn:u" b='2' a="1&#xD;&amp;&lt;&gt;&quot;"><e/><t>a&#13;&gt;</t><!--c--></r>
            <!-- tail -->
            """
        let expected = """
            <?pi data?>
            <r xmlns="urn:r" a="1&#xD;&amp;&lt;>&quot;" b="2"><e></e><t>a&#xD;&gt;</t></r>
            """
        #expect(try exclusiveCanonicalization(input.bytes).string == expected)
        let withComments = """
            <?pi data?>
            <!-- head -->
            <r xmlns="urn:r" a="1&#xD;&amp;&lt;>&quot;" b="2"><e></e><t>a&#xD;&gt;</t><!--c--></r>
            <!-- tail -->
            """
        #expect(try exclusiveCanonicalization(input.bytes, withComments: true).string == withComments)
    }

    @Test func inclusivePrefixListHoistsNamespaces() throws {
        let input = "<r xmlns:a=\"urn:a\" xmlns:b=\"urn:b\"><x Id=\"x\"><y/></x></r>"
        #expect(try exclusiveCanonicalization(input.bytes, subtree: .elementWithID("x")).string == "<x Id=\"x\"><y></y></x>")
        #expect(
            try exclusiveCanonicalization(input.bytes, inclusiveNamespaces: ["b"], subtree: .elementWithID("x")).string
                == "<x xmlns:b=\"urn:b\" Id=\"x\"><y></y></x>")
    }

    // Merlin's exc-c14n vectors: the Object (Id "to-be-signed") and SignedInfo of exc-signature.xml.
    static let merlinCases: [(file: String, withComments: Bool, prefixes: [String], subtree: XMLSubtree)] = [
        ("c14n-0.txt", false, [], .elementWithID("to-be-signed")),
        ("c14n-1.txt", false, ["bar", "#default"], .elementWithID("to-be-signed")),
        ("c14n-2.txt", true, [], .elementWithID("to-be-signed")),
        ("c14n-3.txt", true, ["bar", "#default"], .elementWithID("to-be-signed")),
        (
            "c14n-4.txt", false, [],
            .firstElement(localName: "SignedInfo", namespace: "http://www.w3.org/2000/09/xmldsig#")
        ),
    ]

    @Test(
        "Merlin exc-c14n outputs match byte for byte", .enabled(if: Vectors.available, "vectors folder absent"),
        arguments: 0..<5)
    func merlin(index: Int) throws {
        let vector = Self.merlinCases[index]
        let document = try Vectors.bytes("merlin-exc-c14n-one/exc-signature.xml")
        let expected = try Vectors.bytes("merlin-exc-c14n-one/\(vector.file)")
        let actual = try exclusiveCanonicalization(
            document, withComments: vector.withComments, inclusiveNamespaces: vector.prefixes, subtree: vector.subtree)
        #expect(actual == expected, "\(vector.file):\n\(actual.string)")
    }
}
