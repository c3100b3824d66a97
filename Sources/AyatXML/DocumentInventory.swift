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
        var namespacesSurelyAbsolute = true
        // Document order through the tree's own links: no stack, no allocation per node.
        var node: xmlNodePtr? = document.pointer.pointee.children
        var depth = 1
        while let current = node {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                elementCount += 1
                guard elementCount <= limits.maxElements else {
                    throw XMLSignatureError(.limitExceeded, "more than \(limits.maxElements) elements")
                }
                guard depth <= limits.maxDepth else {
                    throw XMLSignatureError(
                        .limitExceeded,
                        "element '\(LibXML2Node.localName(current))' at line \(xmlGetLineNo(current)) is nested deeper than \(limits.maxDepth)"
                    )
                }
                try inspectAttributes(of: current, limits: limits, signatureChecks: signatureChecks)
                if signatureChecks, LibXML2Node.isInDSigNamespace(current) {
                    if LibXML2Node.hasLocalName(current, "Signature") {
                        signatures.append(current)
                    } else if LibXML2Node.hasLocalName(current, "SignedInfo") {
                        signedInfos.append(current)
                    }
                }
                var declaration = current.pointee.nsDef
                while namespacesSurelyAbsolute, let namespace = declaration {
                    if let href = namespace.pointee.href,
                        !ExclusiveCanonicalWriter.namespaceIsSurelyAbsolute(href)
                    {
                        namespacesSurelyAbsolute = false
                    }
                    declaration = namespace.pointee.next
                }
                if let child = current.pointee.children {
                    node = child
                    depth += 1
                    continue
                }
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE, XML_COMMENT_NODE, XML_PI_NODE:
                break
            case XML_ENTITY_REF_NODE, XML_ENTITY_NODE, XML_ENTITY_DECL, XML_DTD_NODE:
                throw XMLSignatureError(.dtdForbidden, "the document contains an entity or DTD node")
            default:
                throw XMLSignatureError(
                    .malformed, "unexpected node of libxml2 type \(current.pointee.type.rawValue)")
            }
            // Next in document order: the next sibling, else the next sibling of an ancestor.
            var cursor = current
            while true {
                if let next = cursor.pointee.next {
                    node = next
                    break
                }
                guard depth > 1, let parent = cursor.pointee.parent else {
                    node = nil
                    break
                }
                cursor = parent
                depth -= 1
            }
        }
        document.namespacesSurelyAbsolute = namespacesSurelyAbsolute
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
        guard let name = attribute.pointee.name else { return false }
        if let ns = attribute.pointee.ns {
            return CString.equals(name, "id") && CString.equals(ns.pointee.href, XMLNamespaces.xmlC)
        }
        return CString.equals(name, "Id") || CString.equals(name, "ID") || CString.equals(name, "id")
    }
}
