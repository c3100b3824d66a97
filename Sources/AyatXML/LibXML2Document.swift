import CLibXML2

/// libxml2's global state must be initialised once, before threads use it concurrently.
/// A global `let` is initialised exactly once, thread-safely, on first use.
let libxml2Initialized: Void = { xmlInitParser() }()

/// Namespace URIs the signature code compares against.
enum XMLNamespaces {
    static let dsig = "http://www.w3.org/2000/09/xmldsig#"
    static let xml = "http://www.w3.org/XML/1998/namespace"
    static let exclusiveC14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
}

/// Owns one libxml2 document for the span of one call. Deliberately not Sendable: libxml2
/// documents are not thread-safe, so each call parses (or builds) its own and frees it.
final class LibXML2Document {
    let pointer: xmlDocPtr

    /// Parses with the safe options: no network, no entity substitution, no DTD loading; a
    /// DOCTYPE stops the parser before its internal subset is read.
    init(parsing bytes: [UInt8], maxBytes: Int) throws {
        _ = libxml2Initialized
        guard bytes.count <= maxBytes else {
            throw XMLSignatureError(.limitExceeded, "document is \(bytes.count) bytes, the limit is \(maxBytes)")
        }
        guard !bytes.isEmpty, bytes.count <= Int(Int32.max) else {
            throw XMLSignatureError(.malformed, "empty document")
        }
        let options = Int32(
            XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
                | XML_PARSE_BIG_LINES.rawValue)
        var sawDoctype: Int32 = 0
        var problem = ayat_xml_problem()
        let parsed = bytes.withUnsafeBytes { raw in
            ayat_parse_strict(
                raw.baseAddress!.assumingMemoryBound(to: CChar.self), Int32(raw.count), options,
                &sawDoctype, &problem)
        }
        if sawDoctype != 0 {
            throw XMLSignatureError(.dtdForbidden, "the document has a DOCTYPE; DTDs and entities are never processed")
        }
        guard let parsed else {
            let message = LibXML2Document.message(of: problem)
            if problem.code == Int32(XML_ERR_UNDECLARED_ENTITY.rawValue)
                || problem.code == Int32(XML_WAR_UNDECLARED_ENTITY.rawValue)
            {
                throw XMLSignatureError(.dtdForbidden, "line \(problem.line): \(message)")
            }
            throw XMLSignatureError(.malformed, "line \(problem.line): \(message)")
        }
        self.pointer = parsed
    }

    deinit {
        xmlFreeDoc(pointer)
    }

    static func message(of problem: ayat_xml_problem) -> String {
        withUnsafeBytes(of: problem.message) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
    }

    var rootElement: xmlNodePtr? { xmlDocGetRootElement(pointer) }

    /// Canonicalises a node set and hands the bytes to `body` without copying them.
    /// - Parameters:
    ///   - apex: the subtree to canonicalise, or nil for the whole document.
    ///   - excluding: a subtree left out (the enveloped Signature), or nil.
    func withCanonicalBytes<R>(
        apex: xmlNodePtr?,
        excluding: xmlNodePtr?,
        mode: XMLTransform.Canonicalization,
        withComments: Bool,
        inclusivePrefixes: [String],
        _ body: (UnsafeRawBufferPointer) throws -> R
    ) throws -> R {
        var prefixes: [UnsafeMutablePointer<xmlChar>?] = inclusivePrefixes.map { xmlCharStrdup($0) }
        prefixes.append(nil)
        defer { for prefix in prefixes where prefix != nil { ayat_xml_free(prefix) } }
        let output = prefixes.withUnsafeMutableBufferPointer { list in
            ayat_c14n(
                pointer, apex, excluding, mode.libxml2Mode, inclusivePrefixes.isEmpty ? nil : list.baseAddress,
                withComments ? 1 : 0)
        }
        guard let output else {
            throw XMLSignatureError(.internalFailure, "canonicalisation failed")
        }
        defer { xmlOutputBufferClose(output) }
        let size = Int(xmlOutputBufferGetSize(output))
        guard size > 0, let content = xmlOutputBufferGetContent(output) else {
            return try body(UnsafeRawBufferPointer(start: nil, count: 0))
        }
        return try body(UnsafeRawBufferPointer(start: content, count: size))
    }

    func canonicalBytes(
        apex: xmlNodePtr?, excluding: xmlNodePtr?, mode: XMLTransform.Canonicalization, withComments: Bool,
        inclusivePrefixes: [String]
    ) throws -> [UInt8] {
        try withCanonicalBytes(
            apex: apex, excluding: excluding, mode: mode, withComments: withComments,
            inclusivePrefixes: inclusivePrefixes
        ) { Array($0) }
    }

    /// The document as UTF-8 with an XML declaration, whitespace untouched.
    func serializedUTF8() throws -> [UInt8] {
        var memory: UnsafeMutablePointer<xmlChar>?
        var size: Int32 = 0
        xmlDocDumpMemoryEnc(pointer, &memory, &size, "UTF-8")
        guard let memory, size > 0 else {
            throw XMLSignatureError(.internalFailure, "serialisation failed")
        }
        defer { ayat_xml_free(memory) }
        return Array(UnsafeBufferPointer(start: memory, count: Int(size)))
    }
}

/// Read-only helpers over libxml2 nodes. Free functions rather than extensions on the
/// imported pointer types, so nothing leaks into other modules.
enum LibXML2Node {
    static func isElement(_ node: xmlNodePtr) -> Bool { node.pointee.type == XML_ELEMENT_NODE }

    static func localName(_ node: xmlNodePtr) -> String {
        guard let name = node.pointee.name else { return "" }
        return String(cString: name)
    }

    static func namespaceURI(_ node: xmlNodePtr) -> String? {
        guard let ns = node.pointee.ns, let href = ns.pointee.href else { return nil }
        return String(cString: href)
    }

    static func isElement(_ node: xmlNodePtr, named localName: String, namespace: String?) -> Bool {
        isElement(node) && self.localName(node) == localName && namespaceURI(node) == namespace
    }

    static func isDSig(_ node: xmlNodePtr, _ localName: String) -> Bool {
        isElement(node, named: localName, namespace: XMLNamespaces.dsig)
    }

    static func elementChildren(_ node: xmlNodePtr) -> [xmlNodePtr] {
        var result: [xmlNodePtr] = []
        var cursor = node.pointee.children
        while let child = cursor {
            if child.pointee.type == XML_ELEMENT_NODE { result.append(child) }
            cursor = child.pointee.next
        }
        return result
    }

    /// Direct text and CDATA children, concatenated; comments and PIs are skipped.
    static func text(_ node: xmlNodePtr) -> String {
        var bytes: [UInt8] = []
        var cursor = node.pointee.children
        while let child = cursor {
            let type = child.pointee.type
            if type == XML_TEXT_NODE || type == XML_CDATA_SECTION_NODE, let content = child.pointee.content {
                var pointer = content
                while pointer.pointee != 0 {
                    bytes.append(pointer.pointee)
                    pointer += 1
                }
            }
            cursor = child.pointee.next
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// True when the element has a child that is neither an element nor whitespace-only text
    /// (used to refuse stray content, comments and PIs inside signature structures).
    static func hasNonElementContent(_ node: xmlNodePtr) -> Bool {
        var cursor = node.pointee.children
        while let child = cursor {
            switch child.pointee.type {
            case XML_ELEMENT_NODE:
                break
            case XML_TEXT_NODE:
                if let content = child.pointee.content, !isWhitespace(content) { return true }
            default:
                return true
            }
            cursor = child.pointee.next
        }
        return false
    }

    /// True when the element has any child other than text/CDATA (a leaf like DigestValue).
    static func hasNonTextContent(_ node: xmlNodePtr) -> Bool {
        var cursor = node.pointee.children
        while let child = cursor {
            let type = child.pointee.type
            if type != XML_TEXT_NODE && type != XML_CDATA_SECTION_NODE { return true }
            cursor = child.pointee.next
        }
        return false
    }

    private static func isWhitespace(_ content: UnsafePointer<xmlChar>) -> Bool {
        var pointer = content
        while pointer.pointee != 0 {
            switch pointer.pointee {
            case 0x20, 0x09, 0x0A, 0x0D: pointer += 1
            default: return false
            }
        }
        return true
    }

    static func attributeValue(_ attribute: xmlAttrPtr) -> String {
        var bytes: [UInt8] = []
        var cursor = attribute.pointee.children
        while let child = cursor {
            if let content = child.pointee.content {
                var pointer = content
                while pointer.pointee != 0 {
                    bytes.append(pointer.pointee)
                    pointer += 1
                }
            }
            cursor = child.pointee.next
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func attributes(_ node: xmlNodePtr) -> [XMLAttribute] {
        var result: [XMLAttribute] = []
        var cursor = node.pointee.properties
        while let attribute = cursor {
            let name = attribute.pointee.name.map { String(cString: $0) } ?? ""
            let namespace = attribute.pointee.ns.flatMap { $0.pointee.href }.map { String(cString: $0) }
            result.append(XMLAttribute(name: name, namespace: namespace, value: attributeValue(attribute)))
            cursor = attribute.pointee.next
        }
        return result
    }

    /// The value of an unqualified attribute.
    static func attribute(_ node: xmlNodePtr, _ name: String) -> String? {
        var cursor = node.pointee.properties
        while let attribute = cursor {
            if attribute.pointee.ns == nil, let attributeName = attribute.pointee.name,
                String(cString: attributeName) == name
            {
                return attributeValue(attribute)
            }
            cursor = attribute.pointee.next
        }
        return nil
    }

    /// The detached value tree of `node`, leaving out the subtree at `excluding`.
    static func valueTree(_ node: xmlNodePtr, excluding: xmlNodePtr? = nil) -> XMLElement {
        var children: [XMLElement] = []
        var cursor = node.pointee.children
        while let child = cursor {
            if child.pointee.type == XML_ELEMENT_NODE && child != excluding {
                children.append(valueTree(child, excluding: excluding))
            }
            cursor = child.pointee.next
        }
        return XMLElement(
            name: localName(node), namespace: namespaceURI(node), attributes: attributes(node),
            children: children, text: text(node))
    }
}
