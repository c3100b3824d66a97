import AyatXML
import Foundation
import Testing

@Suite("Safe parsing")
struct ParsingSafetyTests {
    @Test func plainDocumentParses() throws {
        let root = try SafeXMLParser.parse(
            "<?xml version=\"1.0\"?><?style x?><a xmlns=\"urn:a\" xmlns:b=\"urn:b\" b:k=\"v\"><!-- c --><b:c>x<![CDATA[<y>]]>z</b:c></a>"
                .bytes)
        #expect(root.name == "a" && root.namespace == "urn:a")
        #expect(root.attributes == [XMLAttribute(name: "k", namespace: "urn:b", value: "v")])
        #expect(root.attribute("k") == "v")
        let child = try #require(root.child("c"))
        #expect(child.namespace == "urn:b")
        #expect(child.text == "x<y>z")
        #expect(root.children(named: "c").count == 1)
    }

    @Test func doctypeIsRefused() {
        #expect(throws: XMLSignatureError(.dtdForbidden)) {
            try SafeXMLParser.parse("<!DOCTYPE a><a/>".bytes)
        }
        #expect(throws: XMLSignatureError(.dtdForbidden)) {
            try SafeXMLParser.parse("<!DOCTYPE a SYSTEM \"http://attacker.example/a.dtd\"><a/>".bytes)
        }
    }

    @Test func externalEntityIsRefusedWithoutReadingIt() {
        let xxe = """
            <?xml version="1.0"?>
            <!DOCTYPE a [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
            <a>&secret;</a>
            """
        let error = #expect(throws: XMLSignatureError(.dtdForbidden)) { try SafeXMLParser.parse(xxe.bytes) }
        #expect(error?.reason.contains("root:") == false)
    }

    @Test func billionLaughsIsRefusedWithoutExpanding() {
        var entities = "<!ENTITY lol0 \"lol\">"
        for level in 1...30 {
            entities += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1);", count: 10) + "\">"
        }
        let bomb = "<?xml version=\"1.0\"?><!DOCTYPE lolz [\(entities)]><lolz>&lol30;</lolz>"
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            #expect(throws: XMLSignatureError(.dtdForbidden)) { try SafeXMLParser.parse(bomb.bytes) }
        }
        // 10^30 expansions would never finish; refusing before the subset is read is instant.
        #expect(elapsed < .seconds(1))
    }

    @Test func quadraticBlowupIsRefused() {
        let big = String(repeating: "x", count: 50_000)
        let refs = String(repeating: "&big;", count: 50_000)
        let bomb = "<!DOCTYPE a [<!ENTITY big \"\(big)\">]><a>\(refs)</a>"
        #expect(throws: XMLSignatureError(.dtdForbidden)) { try SafeXMLParser.parse(bomb.bytes) }
    }

    @Test func undeclaredEntityIsRefused() {
        #expect(throws: XMLSignatureError.self) { try SafeXMLParser.parse("<a>&nbsp;</a>".bytes) }
    }

    @Test func predefinedAndCharacterReferencesAreFine() throws {
        let root = try SafeXMLParser.parse("<a>&lt;&amp;&#x0E2A;&#3617;</a>".bytes)
        #expect(root.text == "<&สม")
    }

    @Test func malformedIsRefusedWithALine() {
        let error = #expect(throws: XMLSignatureError(.malformed)) {
            try SafeXMLParser.parse("<a>\n<b>\n</a>".bytes)
        }
        #expect(error?.reason.hasPrefix("line ") == true)
        #expect(throws: XMLSignatureError(.malformed)) { try SafeXMLParser.parse([]) }
    }

    @Test func limitsAreEnforced() {
        var policy = XMLVerificationPolicy.strict
        policy.maxDocumentBytes = 100
        #expect(throws: XMLSignatureError(.limitExceeded)) {
            try SafeXMLParser.parse(("<a>" + String(repeating: "x", count: 200) + "</a>").bytes, limits: policy)
        }

        policy = .strict
        policy.maxDepth = 10
        let deep = String(repeating: "<d>", count: 11) + String(repeating: "</d>", count: 11)
        #expect(throws: XMLSignatureError(.limitExceeded)) { try SafeXMLParser.parse(deep.bytes, limits: policy) }
        let shallow = String(repeating: "<d>", count: 10) + String(repeating: "</d>", count: 10)
        #expect(throws: Never.self) { try SafeXMLParser.parse(shallow.bytes, limits: policy) }

        policy = .strict
        policy.maxAttributesPerElement = 3
        #expect(throws: XMLSignatureError(.limitExceeded)) {
            try SafeXMLParser.parse("<a p=\"1\" q=\"2\" r=\"3\" s=\"4\"/>".bytes, limits: policy)
        }
        #expect(throws: Never.self) {
            try SafeXMLParser.parse("<a xmlns:x=\"urn:x\" p=\"1\" q=\"2\" r=\"3\"/>".bytes, limits: policy)
        }

        policy = .strict
        policy.maxElements = 5
        #expect(throws: XMLSignatureError(.limitExceeded)) {
            try SafeXMLParser.parse(("<a>" + String(repeating: "<b/>", count: 5) + "</a>").bytes, limits: policy)
        }
    }

    @Test func veryDeepNestingIsRefusedNotCrashing() {
        let depth = 100_000
        let deep = String(repeating: "<d>", count: depth) + String(repeating: "</d>", count: depth)
        #expect(throws: XMLSignatureError.self) { try SafeXMLParser.parse(deep.bytes) }
    }

    @Test func utf16DocumentsAreDecoded() throws {
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in "<?xml version=\"1.0\" encoding=\"UTF-16\"?><a>สม</a>".utf16 {
            bytes.append(UInt8(unit & 0xFF))
            bytes.append(UInt8(unit >> 8))
        }
        #expect(try SafeXMLParser.parse(bytes).text == "สม")
    }
}
