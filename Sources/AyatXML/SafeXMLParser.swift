/// Parses untrusted XML with the same safety rules the signature verifier applies (no DTD,
/// no entities, no network, bounded size, depth, element and attribute counts), for messages
/// that carry no signature.
public enum SafeXMLParser {
    public static func parse(_ document: [UInt8], limits: XMLVerificationPolicy = .strict) throws -> XMLElement {
        let parsed = try LibXML2Document(parsing: document, maxBytes: limits.maxDocumentBytes)
        let inventory = try DocumentInventory(document: parsed, limits: limits, signatureChecks: false)
        return LibXML2Node.valueTree(inventory.root)
    }
}
