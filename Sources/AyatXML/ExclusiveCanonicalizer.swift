import CLibXML2

/// Which part of a document ``exclusiveCanonicalization(_:withComments:inclusiveNamespaces:subtree:)``
/// renders.
public enum XMLSubtree: Sendable, Hashable {
    /// The whole document (the URI="" node set, or the XPointer `#xpointer(/)` one with comments).
    case document
    /// The element carrying this Id/ID/id/xml:id value, with its descendants.
    case elementWithID(String)
    /// The first element in document order with this local name and namespace.
    case firstElement(localName: String, namespace: String?)
}

/// Exclusive XML Canonicalization 1.0 (https://www.w3.org/TR/xml-exc-c14n/) of a document or
/// one subtree, parsed with the safe parser rules. For test vectors and diagnostics; the signer
/// and verifier canonicalise their own parsed trees directly.
/// - Parameter inclusiveNamespaces: the InclusiveNamespaces PrefixList (`#default` for the
///   default namespace).
public func exclusiveCanonicalization(
    _ document: [UInt8],
    withComments: Bool = false,
    inclusiveNamespaces: [String] = [],
    subtree: XMLSubtree = .document
) throws -> [UInt8] {
    let policy = XMLVerificationPolicy.strict
    let parsed = try LibXML2Document(parsing: document, maxBytes: policy.maxDocumentBytes)
    let inventory = try DocumentInventory(document: parsed, limits: policy, signatureChecks: true)
    let apex: xmlNodePtr?
    switch subtree {
    case .document:
        apex = nil
    case .elementWithID(let id):
        guard let element = inventory.elementsByID[id] else {
            throw XMLSignatureError(.referenceNotFound, "no element has id '\(id)'")
        }
        apex = element
    case .firstElement(let localName, let namespace):
        guard let element = firstElement(under: inventory.root, localName: localName, namespace: namespace) else {
            throw XMLSignatureError(.referenceNotFound, "no element '\(localName)' in the document")
        }
        apex = element
    }
    return try parsed.canonicalBytes(
        apex: apex, excluding: nil, mode: .exclusive, withComments: withComments,
        inclusivePrefixes: inclusiveNamespaces)
}

private func firstElement(under node: xmlNodePtr, localName: String, namespace: String?) -> xmlNodePtr? {
    if LibXML2Node.isElement(node, named: localName, namespace: namespace) { return node }
    for child in LibXML2Node.elementChildren(node) {
        if let found = firstElement(under: child, localName: localName, namespace: namespace) { return found }
    }
    return nil
}
