import CLibXML2

/// One pass over a parsed document that enforces the structural limits of a policy and
/// records what the signature checks need (ID targets, Signature and SignedInfo elements),
/// so no later step has to walk the tree again.
struct DocumentInventory {
    /// Every Id/ID/id/xml:id value and the one element carrying it.
    private(set) var elementsByID: [String: xmlNodePtr] = [:]
    /// Every ds:Signature element, in document order.
    private(set) var signatures: [xmlNodePtr] = []
    /// Every ds:SignedInfo element, in document order.
    private(set) var signedInfos: [xmlNodePtr] = []
    let root: xmlNodePtr

    /// - Parameter signatureChecks: also collect IDs (refusing duplicates) and signature elements.
    init(document: LibXML2Document, limits: XMLVerificationPolicy, signatureChecks: Bool) throws {
        guard let root = document.rootElement else {
            throw XMLSignatureError(.malformed, "the document has no root element")
        }
        self.root = root
        var elementCount = 0
        // Explicit stack: depth is bounded by policy, but recursion should not depend on it.
        var stack: [(node: xmlNodePtr, depth: Int)] = []
        var top = document.pointer.pointee.children
        while let node = top {
            stack.append((node, 1))
            top = node.pointee.next
        }
        stack.reverse()
        while let (node, depth) = stack.popLast() {
            switch node.pointee.type {
            case XML_ELEMENT_NODE:
                elementCount += 1
                guard elementCount <= limits.maxElements else {
                    throw XMLSignatureError(.limitExceeded, "more than \(limits.maxElements) elements")
                }
                guard depth <= limits.maxDepth else {
                    throw XMLSignatureError(
                        .limitExceeded,
                        "element '\(LibXML2Node.localName(node))' at line \(xmlGetLineNo(node)) is nested deeper than \(limits.maxDepth)"
                    )
                }
                try inspectAttributes(of: node, limits: limits, signatureChecks: signatureChecks)
                if signatureChecks, LibXML2Node.namespaceURI(node) == XMLNamespaces.dsig {
                    switch LibXML2Node.localName(node) {
                    case "Signature": signatures.append(node)
                    case "SignedInfo": signedInfos.append(node)
                    default: break
                    }
                }
                var children: [(xmlNodePtr, Int)] = []
                var cursor = node.pointee.children
                while let child = cursor {
                    children.append((child, depth + 1))
                    cursor = child.pointee.next
                }
                stack.append(contentsOf: children.reversed())
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE, XML_COMMENT_NODE, XML_PI_NODE:
                break
            case XML_ENTITY_REF_NODE, XML_ENTITY_NODE, XML_ENTITY_DECL, XML_DTD_NODE:
                throw XMLSignatureError(.dtdForbidden, "the document contains an entity or DTD node")
            default:
                throw XMLSignatureError(
                    .malformed, "unexpected node of libxml2 type \(node.pointee.type.rawValue)")
            }
        }
    }

    private mutating func inspectAttributes(
        of node: xmlNodePtr, limits: XMLVerificationPolicy, signatureChecks: Bool
    ) throws {
        var count = 0
        var cursor = node.pointee.properties
        while let attribute = cursor {
            count += 1
            guard count <= limits.maxAttributesPerElement else {
                throw XMLSignatureError(
                    .limitExceeded,
                    "element '\(LibXML2Node.localName(node))' at line \(xmlGetLineNo(node)) has more than \(limits.maxAttributesPerElement) attributes"
                )
            }
            if signatureChecks, Self.isIDAttribute(attribute) {
                let value = LibXML2Node.attributeValue(attribute)
                if let existing = elementsByID[value], existing != node {
                    throw XMLSignatureError(
                        .duplicateID,
                        "id '\(value)' is carried by more than one element (lines \(xmlGetLineNo(existing)) and \(xmlGetLineNo(node)))"
                    )
                }
                elementsByID[value] = node
            }
            cursor = attribute.pointee.next
        }
    }

    /// Id, ID and id (unqualified) and xml:id all count: an attacker must not be able to make
    /// two tools resolve the same reference to different elements.
    private static func isIDAttribute(_ attribute: xmlAttrPtr) -> Bool {
        guard let rawName = attribute.pointee.name else { return false }
        let name = String(cString: rawName)
        if let ns = attribute.pointee.ns {
            guard let href = ns.pointee.href else { return false }
            return name == "id" && String(cString: href) == XMLNamespaces.xml
        }
        return name == "Id" || name == "ID" || name == "id"
    }
}
