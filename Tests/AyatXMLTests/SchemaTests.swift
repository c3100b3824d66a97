import AyatXML
import Testing

@Suite("XSD validation")
struct SchemaTests {
    static let xsd = """
        <?xml version="1.0" encoding="UTF-8"?>
        <xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"
                   targetNamespace="urn:ayat:test:freeze" xmlns="urn:ayat:test:freeze"
                   elementFormDefault="qualified">
          <xs:element name="FreezeOrder">
            <xs:complexType>
              <xs:sequence>
                <xs:element name="Holder" type="xs:string"/>
                <xs:element name="Amount">
                  <xs:complexType>
                    <xs:simpleContent>
                      <xs:extension base="xs:decimal">
                        <xs:attribute name="Ccy" type="xs:string" use="required"/>
                      </xs:extension>
                    </xs:simpleContent>
                  </xs:complexType>
                </xs:element>
              </xs:sequence>
              <xs:attribute name="Id" type="xs:ID"/>
            </xs:complexType>
          </xs:element>
        </xs:schema>
        """

    static func document(amount: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <FreezeOrder xmlns="urn:ayat:test:freeze" Id="o1">
          <Holder>สมชาย ใจดี</Holder>

          <Amount Ccy="THB">\(amount)</Amount>
        </FreezeOrder>
        """
    }

    @Test func validDocumentPasses() throws {
        let schema = try XMLSchema(xsd: Self.xsd.bytes)
        try schema.validate(Self.document(amount: "15000.00").bytes)
    }

    @Test func invalidDocumentNamesElementAndLine() throws {
        let schema = try XMLSchema(xsd: Self.xsd.bytes)
        let error = #expect(throws: XMLSignatureError(.schemaInvalid)) {
            try schema.validate(Self.document(amount: "fifteen").bytes)
        }
        let reason = error?.reason ?? ""
        #expect(reason.hasPrefix("line 5: element 'Amount': "), "\(reason)")
        #expect(reason.contains("fifteen"))
    }

    @Test func missingElementIsReported() throws {
        let schema = try XMLSchema(xsd: Self.xsd.bytes)
        let document = Self.document(amount: "1").replacingOnce("<Holder>สมชาย ใจดี</Holder>", with: "")
        let error = #expect(throws: XMLSignatureError(.schemaInvalid)) { try schema.validate(document.bytes) }
        #expect(error?.reason.contains("Amount") == true)
    }

    @Test func malformedSchemaIsRefused() {
        #expect(throws: XMLSignatureError(.schemaMalformed)) {
            try XMLSchema(xsd: "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\"><xs:element/></xs:schema>".bytes)
        }
    }

    @Test func documentsWithADoctypeAreNotValidated() throws {
        let schema = try XMLSchema(xsd: Self.xsd.bytes)
        let document = Self.document(amount: "1").replacingOnce("?>", with: "?><!DOCTYPE FreezeOrder>")
        #expect(throws: XMLSignatureError(.dtdForbidden)) { try schema.validate(document.bytes) }
    }

    @Test func oneSchemaValidatesConcurrently() async throws {
        let schema = try XMLSchema(xsd: Self.xsd.bytes)
        await withTaskGroup(of: Bool.self) { group in
            for index in 0..<64 {
                group.addTask {
                    let valid = index % 2 == 0
                    do {
                        try schema.validate(Self.document(amount: valid ? "\(index).50" : "x\(index)").bytes)
                        return valid
                    } catch {
                        return !valid
                    }
                }
            }
            for await outcome in group { #expect(outcome) }
        }
    }
}
