import CLibXML2

/// libxml2's global state must be initialised once, before threads use it concurrently.
/// A global `let` is initialised exactly once, thread-safely, on first use.
let libxml2Initialized: Void = { xmlInitParser() }()

/// Namespace URIs the signature code compares against.
enum XMLNamespaces {
    static let dsig = "http://www.w3.org/2000/09/xmldsig#"
    static let xml = "http://www.w3.org/XML/1998/namespace"
    static let exclusiveC14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
    /// The same, for comparing with libxml2's strings without allocating.
    static let dsigC: StaticString = "http://www.w3.org/2000/09/xmldsig#"
    static let xmlC: StaticString = "http://www.w3.org/XML/1998/namespace"
    static let exclusiveC14NC: StaticString = "http://www.w3.org/2001/10/xml-exc-c14n#"
}

/// libxml2's NUL-terminated strings compared with Swift literals, without allocating.
enum CString {
    static func equals(_ string: UnsafePointer<xmlChar>?, _ literal: StaticString) -> Bool {
        guard let string else { return false }
        let count = literal.utf8CodeUnitCount
        return xmlStrncmp(string, literal.utf8Start, Int32(count)) == 0 && string[count] == 0
    }

    static func equals(_ string: UnsafePointer<xmlChar>?, _ other: String) -> Bool {
        guard let string else { return false }
        var index = 0
        for byte in other.utf8 {
            guard string[index] == byte else { return false }
            index += 1
        }
        return string[index] == 0
    }
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
        canonicalCapacity = max(4096, bytes.count + bytes.count / 4)
    }

    deinit {
        xmlFreeDoc(pointer)
    }

    /// Room for a canonical form without regrowing: about the size of the parsed input.
    private var canonicalCapacity = 4096

    /// Whether libxml2's c14n would accept every namespace URI declared in the document (it
    /// refuses relative ones). Set by the inventory walk, else computed on first use. Only the
    /// signer mutates a parsed tree afterwards, and it adds only the (absolute) ds namespace.
    var namespacesSurelyAbsolute: Bool {
        get {
            if let known = namespacesChecked { return known }
            let computed = Self.namespacesSurelyAbsolute(in: pointer)
            namespacesChecked = computed
            return computed
        }
        set { namespacesChecked = newValue }
    }
    private var namespacesChecked: Bool?

    private static func namespacesSurelyAbsolute(in document: xmlDocPtr) -> Bool {
        var node: xmlNodePtr? = document.pointee.children
        while let current = node {
            if current.pointee.type == XML_ELEMENT_NODE {
                var declaration = current.pointee.nsDef
                while let namespace = declaration {
                    if let href = namespace.pointee.href,
                        !ExclusiveCanonicalWriter.namespaceIsSurelyAbsolute(href)
                    {
                        return false
                    }
                    declaration = namespace.pointee.next
                }
                if let child = current.pointee.children {
                    node = child
                    continue
                }
            }
            var cursor = current
            while true {
                if let next = cursor.pointee.next {
                    node = next
                    break
                }
                guard let parent = cursor.pointee.parent, parent.pointee.type == XML_ELEMENT_NODE else {
                    node = nil
                    break
                }
                cursor = parent
            }
        }
        return true
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
        // The common case (exclusive, no comments, no PrefixList) is written directly from the
        // tree; anything else, and any document the writer declines, goes through libxml2.
        if mode == .exclusive, !withComments, inclusivePrefixes.isEmpty, namespacesSurelyAbsolute,
            let bytes = ExclusiveCanonicalWriter.canonicalize(
                document: pointer, apex: apex, excluded: excluding, capacity: canonicalCapacity)
        {
            return try bytes.withUnsafeBytes { try body($0) }
        }
        return try libxml2CanonicalBytes(
            apex: apex, excluding: excluding, mode: mode, withComments: withComments,
            inclusivePrefixes: inclusivePrefixes, body)
    }

    /// libxml2's own canonicalisation (xmlC14NExecute with the node-set callback): every mode,
    /// and the reference the fast writer is tested against.
    func libxml2CanonicalBytes<R>(
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
    /// The whole document in exclusive canonical form when that form is also a faithful
    /// serialisation of it (see ``ExclusiveCanonicalWriter/faithfulCanonicalForm(document:capacity:)``),
    /// else nil.
    func faithfulCanonicalForm() -> [UInt8]? {
        guard namespacesSurelyAbsolute else { return nil }
        return ExclusiveCanonicalWriter.faithfulCanonicalForm(document: pointer, capacity: canonicalCapacity)
    }

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
        guard isElement(node), CString.equals(node.pointee.name, localName) else { return false }
        let href = node.pointee.ns?.pointee.href
        guard let namespace else { return href == nil }
        return CString.equals(href, namespace)
    }

    static func isDSig(_ node: xmlNodePtr, _ localName: StaticString) -> Bool {
        isElement(node) && hasLocalName(node, localName) && isInDSigNamespace(node)
    }

    static func hasLocalName(_ node: xmlNodePtr, _ localName: StaticString) -> Bool {
        CString.equals(node.pointee.name, localName)
    }

    static func isInDSigNamespace(_ node: xmlNodePtr) -> Bool {
        CString.equals(node.pointee.ns?.pointee.href, XMLNamespaces.dsigC)
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
        guard let first = node.pointee.children else { return "" }
        if first.pointee.next == nil {
            let type = first.pointee.type
            guard type == XML_TEXT_NODE || type == XML_CDATA_SECTION_NODE, let content = first.pointee.content else {
                return ""
            }
            return String(cString: content)
        }
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
    static func attribute(_ node: xmlNodePtr, _ name: StaticString) -> String? {
        var cursor = node.pointee.properties
        while let attribute = cursor {
            if attribute.pointee.ns == nil, CString.equals(attribute.pointee.name, name) {
                return attributeValue(attribute)
            }
            cursor = attribute.pointee.next
        }
        return nil
    }

    /// The detached value tree of `node`, leaving out the subtree at `excluding`.
    static func valueTree(_ node: xmlNodePtr, excluding: xmlNodePtr? = nil) -> XMLElement {
        var builder = ValueTreeBuilder(excluding: excluding, capture: [])
        return builder.build(node)
    }
}

/// Builds detached value trees. Namespace URIs are read once per declaration, not once per
/// element, and the subtrees of `capture` nodes met on the way are kept, so a referenced
/// element inside the root is not built a second time.
struct ValueTreeBuilder {
    let excluding: xmlNodePtr?
    let capture: [xmlNodePtr]
    private var trees: [XMLElement?]
    private var namespaces: [(href: UnsafePointer<xmlChar>, uri: String)] = []

    init(excluding: xmlNodePtr?, capture: [xmlNodePtr]) {
        self.excluding = excluding
        self.capture = capture
        trees = Array(repeating: nil, count: capture.count)
    }

    func captured(for node: xmlNodePtr) -> XMLElement? {
        capture.firstIndex(of: node).flatMap { trees[$0] }
    }

    mutating func build(_ node: xmlNodePtr) -> XMLElement {
        var children: [XMLElement] = []
        var cursor = node.pointee.children
        while let child = cursor {
            if child.pointee.type == XML_ELEMENT_NODE && child != excluding {
                children.append(build(child))
            }
            cursor = child.pointee.next
        }
        let element = XMLElement(
            name: LibXML2Node.localName(node), namespace: namespaceURI(node.pointee.ns), attributes: attributes(node),
            children: children, text: LibXML2Node.text(node))
        if !capture.isEmpty, let index = capture.firstIndex(of: node) { trees[index] = element }
        return element
    }

    private mutating func namespaceURI(_ namespace: xmlNsPtr?) -> String? {
        guard let href = namespace?.pointee.href else { return nil }
        for known in namespaces where known.href == href { return known.uri }
        let uri = String(cString: href)
        if namespaces.count < 8 { namespaces.append((href, uri)) }
        return uri
    }

    private mutating func attributes(_ node: xmlNodePtr) -> [XMLAttribute] {
        var result: [XMLAttribute] = []
        var cursor = node.pointee.properties
        while let attribute = cursor {
            let name = attribute.pointee.name.map { String(cString: $0) } ?? ""
            result.append(
                XMLAttribute(
                    name: name, namespace: namespaceURI(attribute.pointee.ns),
                    value: LibXML2Node.attributeValue(attribute)))
            cursor = attribute.pointee.next
        }
        return result
    }
}
