import CLibXML2

/// Exclusive XML Canonicalization 1.0 without comments, written straight from libxml2's tree
/// into one reusable byte buffer: the hot path of signing and verifying.
///
/// It renders the node set "the subtree at `apex` (the whole document when nil) minus the
/// subtree at `excluded`" byte for byte as libxml2's `xmlC14NExecute` renders it with Ayat's
/// visibility callback (the same namespace-stack rules, attribute order and escaping), but it
/// walks only the nodes it renders, never calls back per node and allocates nothing per node.
///
/// Anything outside that exact scope returns false, and the caller then asks libxml2 itself:
/// a node type other than element, text, CDATA, comment or PI; an attribute whose value is not
/// plain text; a document that is not UTF-8; a namespace URI that libxml2 might judge relative
/// (libxml2 refuses to canonicalise those); an apex inside (or equal to) the excluded subtree; an
/// excluded document element. The differential tests compare both on every subtree of every
/// vector and message.
struct ExclusiveCanonicalWriter {
    private(set) var output: [UInt8] = []
    /// Namespaces rendered by output ancestors (libxml2's `ns_rendered`), innermost last.
    private var rendered: [xmlNsPtr?] = []
    /// Scratch lists reused across elements.
    private var pending: [xmlNsPtr] = []
    private var attributes: [xmlAttrPtr] = []
    private let excluded: xmlNodePtr?
    /// Whether to check that every element renders exactly the namespaces it declares.
    private let checksDeclarations: Bool
    /// Cleared when an element renders a namespace it does not declare, or leaves out one it does.
    private var keepsDeclarations = true

    private init(excluded: xmlNodePtr?, capacity: Int, checksDeclarations: Bool = false) {
        self.excluded = excluded
        self.checksDeclarations = checksDeclarations
        output.reserveCapacity(capacity)
        rendered.reserveCapacity(16)
        pending.reserveCapacity(8)
        attributes.reserveCapacity(8)
    }

    /// The canonical bytes, or nil when libxml2 must do it (see the type's documentation). The
    /// caller has checked that every namespace URI declared anywhere in the document passes
    /// ``namespaceIsSurelyAbsolute(_:)``, as libxml2 checks them all, rendered or not.
    static func canonicalize(
        document: xmlDocPtr, apex: xmlNodePtr?, excluded: xmlNodePtr?, capacity: Int
    ) -> [UInt8]? {
        guard document.pointee.charset == Int32(XML_CHAR_ENCODING_UTF8.rawValue) else { return nil }
        var writer = ExclusiveCanonicalWriter(excluded: excluded, capacity: capacity)
        if let apex {
            guard apex.pointee.type == XML_ELEMENT_NODE else { return nil }
            if let excluded {
                var cursor: xmlNodePtr? = apex
                while let node = cursor {
                    if node == excluded { return nil }
                    cursor = node.pointee.parent
                }
            }
            guard writer.element(apex) else { return nil }
            return writer.output
        }
        guard writer.document(document) else { return nil }
        return writer.output
    }

    /// The canonical form of the whole document when it also serialises the document faithfully:
    /// nil when it would drop or move a namespace declaration (exc-c14n renders a namespace only
    /// where it is visibly used, which loses prefixes used only inside text or attribute values,
    /// such as `xsi:type` QNames), and wherever ``canonicalize(document:apex:excluded:capacity:)``
    /// is nil. Comments are left out, as in every canonical form.
    static func faithfulCanonicalForm(document: xmlDocPtr, capacity: Int) -> [UInt8]? {
        guard document.pointee.charset == Int32(XML_CHAR_ENCODING_UTF8.rawValue) else { return nil }
        var writer = ExclusiveCanonicalWriter(excluded: nil, capacity: capacity, checksDeclarations: true)
        guard writer.document(document), writer.keepsDeclarations else { return nil }
        return writer.output
    }

    // MARK: Nodes

    /// The document's children: the root element and the processing instructions around it.
    private mutating func document(_ document: xmlDocPtr) -> Bool {
        var afterRoot = false
        var child = document.pointee.children
        while let node = child {
            switch node.pointee.type {
            case XML_ELEMENT_NODE:
                guard node != excluded, !afterRoot, element(node) else { return false }
                afterRoot = true
            case XML_PI_NODE:
                if afterRoot { byte(0x0A) }
                processingInstruction(node)
                if !afterRoot { byte(0x0A) }
            case XML_COMMENT_NODE, XML_DTD_NODE, XML_DOCUMENT_TYPE_NODE, XML_NOTATION_NODE:
                break
            default:
                return false
            }
            child = node.pointee.next
        }
        return true
    }

    private mutating func element(_ node: xmlNodePtr) -> Bool {
        let mark = rendered.count
        byte(UInt8(ascii: "<"))
        qualifiedName(node.pointee.ns, node.pointee.name)

        // Namespace axis (libxml2's xmlExcC14NProcessNamespacesAxis, no InclusiveNamespaces).
        pending.removeAll(keepingCapacity: true)
        var hasEmptyNamespace = false
        var utilizesEmptyNamespace = false
        var namespace = node.pointee.ns
        if namespace == nil {
            namespace = Self.defaultNamespace(of: node)
            utilizesEmptyNamespace = true
        }
        if let namespace, !Self.isXMLNamespace(namespace) {
            if !isRendered(prefix: namespace.pointee.prefix, href: namespace.pointee.href) {
                insert(namespace)
            }
            rendered.append(namespace)
            if Self.isEmpty(namespace.pointee.prefix) { hasEmptyNamespace = true }
        }
        var attribute = node.pointee.properties
        while let current = attribute {
            if let namespace = current.pointee.ns, !Self.isXMLNamespace(namespace) {
                let already = isRendered(prefix: namespace.pointee.prefix, href: namespace.pointee.href)
                rendered.append(namespace)
                if !already { insert(namespace) }
                if Self.isEmpty(namespace.pointee.prefix) { hasEmptyNamespace = true }
            }
            attribute = current.pointee.next
        }
        if utilizesEmptyNamespace && !hasEmptyNamespace && !isRendered(prefix: nil, href: nil) {
            literal(" xmlns=\"\"")
            keepsDeclarations = false
        }
        if checksDeclarations && keepsDeclarations { keepsDeclarations = Self.declares(node, exactly: pending) }
        for namespace in pending {
            if let prefix = namespace.pointee.prefix {
                literal(" xmlns:")
                string(prefix)
                literal("=\"")
            } else {
                literal(" xmlns=\"")
            }
            if let href = namespace.pointee.href { string(href) }
            byte(UInt8(ascii: "\""))
        }

        // Attribute axis, in libxml2's order.
        attributes.removeAll(keepingCapacity: true)
        attribute = node.pointee.properties
        while let current = attribute {
            var index = 0
            while index < attributes.count && Self.compare(attributes[index], current) < 0 { index += 1 }
            attributes.insert(current, at: index)
            attribute = current.pointee.next
        }
        for current in attributes {
            byte(0x20)
            if let namespace = current.pointee.ns, let prefix = namespace.pointee.prefix, prefix.pointee != 0 {
                string(prefix)
                byte(UInt8(ascii: ":"))
            }
            if let name = current.pointee.name { string(name) }
            literal("=\"")
            var text = current.pointee.children
            while let part = text {
                guard part.pointee.type == XML_TEXT_NODE else { return false }
                if let content = part.pointee.content { escaped(content, attribute: true) }
                text = part.pointee.next
            }
            byte(UInt8(ascii: "\""))
        }
        byte(UInt8(ascii: ">"))

        var child = node.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE:
                if current != excluded {
                    guard element(current) else { return false }
                }
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                if let content = current.pointee.content { escaped(content, attribute: false) }
            case XML_PI_NODE:
                processingInstruction(current)
            case XML_COMMENT_NODE:
                break
            default:
                return false
            }
            child = current.pointee.next
        }

        literal("</")
        qualifiedName(node.pointee.ns, node.pointee.name)
        byte(UInt8(ascii: ">"))
        rendered.removeSubrange(mark...)
        return true
    }

    private mutating func processingInstruction(_ node: xmlNodePtr) {
        literal("<?")
        if let name = node.pointee.name { string(name) }
        if let content = node.pointee.content, content.pointee != 0 {
            byte(0x20)
            var run = UnsafePointer(content)
            var cursor = run
            while cursor.pointee != 0 {
                if cursor.pointee == 0x0D {
                    bytes(run, cursor - run)
                    literal("&#xD;")
                    run = cursor + 1
                }
                cursor += 1
            }
            bytes(run, cursor - run)
        }
        literal("?>")
    }

    // MARK: Namespace rules

    /// libxml2's xmlExcC14NVisibleNsStackFind: the innermost rendered declaration of the prefix
    /// decides; an undeclared empty default counts as rendered.
    private func isRendered(prefix: UnsafePointer<xmlChar>?, href: UnsafePointer<xmlChar>?) -> Bool {
        var index = rendered.count - 1
        while index >= 0 {
            let entry = rendered[index]
            if Self.same(prefix, entry?.pointee.prefix) {
                return Self.same(href, entry?.pointee.href)
            }
            index -= 1
        }
        return Self.isEmpty(prefix) && Self.isEmpty(href)
    }

    /// Whether `node` declares exactly the namespaces in `rendering` (the xml namespace aside).
    private static func declares(_ node: xmlNodePtr, exactly rendering: [xmlNsPtr]) -> Bool {
        var declared = 0
        var declaration = node.pointee.nsDef
        while let namespace = declaration {
            if !isXMLNamespace(namespace) {
                guard rendering.contains(namespace) else { return false }
                declared += 1
            }
            declaration = namespace.pointee.next
        }
        return declared == rendering.count
    }

    /// Sorted by prefix (no prefix first); a new entry goes before equal ones, as xmlListInsert does.
    private mutating func insert(_ namespace: xmlNsPtr) {
        var index = 0
        while index < pending.count && xmlStrcmp(pending[index].pointee.prefix, namespace.pointee.prefix) < 0 {
            index += 1
        }
        pending.insert(namespace, at: index)
    }

    /// xmlSearchNs(doc, node, NULL): the default namespace in scope, declared or inherited.
    private static func defaultNamespace(of node: xmlNodePtr) -> xmlNsPtr? {
        var cursor: xmlNodePtr? = node
        while let current = cursor {
            if current.pointee.type == XML_ELEMENT_NODE {
                var declaration = current.pointee.nsDef
                while let namespace = declaration {
                    if namespace.pointee.prefix == nil && namespace.pointee.href != nil { return namespace }
                    declaration = namespace.pointee.next
                }
                if current != node, let namespace = current.pointee.ns, namespace.pointee.prefix == nil,
                    namespace.pointee.href != nil
                {
                    return namespace
                }
            }
            cursor = current.pointee.parent
        }
        return nil
    }

    /// libxml2's xmlC14NIsXmlNs: the `xml` prefix bound to its own namespace is never rendered.
    private static func isXMLNamespace(_ namespace: xmlNsPtr) -> Bool {
        CString.equals(namespace.pointee.prefix, "xml") && CString.equals(namespace.pointee.href, XMLNamespaces.xmlC)
    }

    /// libxml2's xmlC14NAttrsCompare.
    private static func compare(_ a: xmlAttrPtr, _ b: xmlAttrPtr) -> Int32 {
        if a == b { return 0 }
        let aNamespace = a.pointee.ns
        let bNamespace = b.pointee.ns
        if aNamespace == bNamespace { return xmlStrcmp(a.pointee.name, b.pointee.name) }
        guard let aNamespace else { return -1 }
        guard let bNamespace else { return 1 }
        if aNamespace.pointee.prefix == nil { return -1 }
        if bNamespace.pointee.prefix == nil { return 1 }
        let order = xmlStrcmp(aNamespace.pointee.href, bNamespace.pointee.href)
        return order != 0 ? order : xmlStrcmp(a.pointee.name, b.pointee.name)
    }

    private static func isEmpty(_ string: UnsafePointer<xmlChar>?) -> Bool {
        string == nil || string!.pointee == 0
    }

    /// Equality where a missing string equals the empty one (libxml2's xmlC14NStrEqual).
    private static func same(_ a: UnsafePointer<xmlChar>?, _ b: UnsafePointer<xmlChar>?) -> Bool {
        if a == b { return true }
        guard let a else { return b!.pointee == 0 }
        guard let b else { return a.pointee == 0 }
        return xmlStrEqual(a, b) != 0
    }

    // MARK: Relative namespace URIs

    /// True only when libxml2's c14n would certainly accept this namespace URI (it refuses
    /// relative ones: no scheme, or no authority for schemes other than urn and dav). Anything
    /// unusual answers false, so libxml2 itself decides.
    static func namespaceIsSurelyAbsolute(_ href: UnsafePointer<xmlChar>) -> Bool {
        var cursor = href
        if cursor.pointee == 0 { return true }
        guard isLetter(cursor.pointee) else { return false }
        while isLetter(cursor.pointee) || isDigit(cursor.pointee) || cursor.pointee == 0x2B || cursor.pointee == 0x2D
            || cursor.pointee == 0x2E
        {
            cursor += 1
        }
        guard cursor.pointee == UInt8(ascii: ":") else { return false }
        let opaque =
            cursor - href == 3
            && ((href[0] | 0x20, href[1] | 0x20, href[2] | 0x20) == (0x75, 0x72, 0x6E)  // urn
                || (href[0] | 0x20, href[1] | 0x20, href[2] | 0x20) == (0x64, 0x61, 0x76))  // dav
        cursor += 1
        if opaque {
            guard cursor.pointee != 0, cursor.pointee != UInt8(ascii: "/") else { return false }
        } else {
            guard cursor[0] == UInt8(ascii: "/"), cursor[1] == UInt8(ascii: "/") else { return false }
            cursor += 2
            let hostStart = cursor
            while isLetter(cursor.pointee) || isDigit(cursor.pointee) || cursor.pointee == 0x2D || cursor.pointee == 0x2E {
                cursor += 1
            }
            guard cursor > hostStart else { return false }
            if cursor.pointee == UInt8(ascii: ":") {
                cursor += 1
                let portStart = cursor
                while isDigit(cursor.pointee) { cursor += 1 }
                guard cursor > portStart else { return false }
            }
            switch cursor.pointee {
            case 0, UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: "#"): break
            default: return false
            }
        }
        var fragments = 0
        while cursor.pointee != 0 {
            let c = cursor.pointee
            if c == UInt8(ascii: "#") {
                fragments += 1
                guard fragments == 1 else { return false }
            } else if !(isLetter(c) || isDigit(c) || isSafeURIPunctuation(c)) {
                return false
            }
            cursor += 1
        }
        return true
    }

    /// `-._~:/?@!$&'()*+,;=`: characters every URI parser takes literally in a path or query.
    private static func isSafeURIPunctuation(_ c: UInt8) -> Bool {
        switch c {
        case 0x2D, 0x2E, 0x5F, 0x7E, 0x3A, 0x2F, 0x3F, 0x40, 0x21, 0x24, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x2B, 0x2C,
            0x3B, 0x3D:
            true
        default: false
        }
    }
    private static func isLetter(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A }
    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    // MARK: Output

    private mutating func byte(_ value: UInt8) { output.append(value) }

    private mutating func bytes(_ start: UnsafePointer<xmlChar>, _ count: Int) {
        if count > 0 { output.append(contentsOf: UnsafeBufferPointer(start: start, count: count)) }
    }

    private mutating func literal(_ text: StaticString) {
        output.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private mutating func string(_ text: UnsafePointer<xmlChar>) {
        bytes(text, Int(xmlStrlen(text)))
    }

    private mutating func qualifiedName(_ namespace: xmlNsPtr?, _ name: UnsafePointer<xmlChar>?) {
        if let prefix = namespace?.pointee.prefix, prefix.pointee != 0 {
            string(prefix)
            byte(UInt8(ascii: ":"))
        }
        if let name { string(name) }
    }

    /// libxml2's xmlC11NNormalizeString for text (`&`, `<`, `>`, CR) or attribute values
    /// (`&`, `<`, `"`, TAB, LF, CR).
    /// C14N's escape for a byte of text (or of an attribute value), or nil to copy it as it is.
    static func escape(_ byte: UInt8, attribute: Bool) -> StaticString? {
        switch byte {
        case UInt8(ascii: "&"): "&amp;"
        case UInt8(ascii: "<"): "&lt;"
        case UInt8(ascii: ">"): attribute ? nil : "&gt;"
        case UInt8(ascii: "\""): attribute ? "&quot;" : nil
        case 0x09: attribute ? "&#x9;" : nil
        case 0x0A: attribute ? "&#xA;" : nil
        case 0x0D: "&#xD;"
        default: nil
        }
    }

    private mutating func escaped(_ text: UnsafePointer<xmlChar>, attribute: Bool) {
        var run = text
        var cursor = text
        while true {
            let c = cursor.pointee
            if c == 0 { break }
            if let replacement = Self.escape(c, attribute: attribute) {
                bytes(run, cursor - run)
                literal(replacement)
                run = cursor + 1
            }
            cursor += 1
        }
        bytes(run, cursor - run)
    }
}

// MARK: Differential check (for the tests)

extension ExclusiveCanonicalWriter {
    struct DifferentialReport {
        /// Node sets both ways rendered and compared.
        var compared = 0
        /// Node sets the writer declined (libxml2 renders those in production too).
        var declined = 0
        var mismatches: [String] = []
    }

    /// Canonicalises the document, and every element of it as an apex, each with no excluded
    /// subtree and with a sample of elements excluded, both with the writer and with libxml2,
    /// and reports every difference (a failure on one side only counts as a difference).
    static func differentialCheck(_ document: [UInt8], excludedSample: Int = 12) throws -> DifferentialReport {
        let parsed = try LibXML2Document(parsing: document, maxBytes: XMLVerificationPolicy.strict.maxDocumentBytes)
        var elements: [xmlNodePtr] = []
        func collect(_ first: xmlNodePtr?) {
            var cursor = first
            while let node = cursor {
                if node.pointee.type == XML_ELEMENT_NODE {
                    elements.append(node)
                    collect(node.pointee.children)
                }
                cursor = node.pointee.next
            }
        }
        collect(parsed.pointer.pointee.children)
        let step = max(1, elements.count / max(1, excludedSample))
        let excludedChoices: [xmlNodePtr?] = [nil] + stride(from: 0, to: elements.count, by: step).map { Optional(elements[$0]) }
        func describe(_ node: xmlNodePtr?) -> String {
            node.map { "'\(LibXML2Node.localName($0))' (line \(xmlGetLineNo($0)))" } ?? "document"
        }
        var report = DifferentialReport()
        for apex in [nil] + elements.map(Optional.some) as [xmlNodePtr?] {
            for excluded in excludedChoices {
                let reference = try? parsed.libxml2CanonicalBytes(
                    apex: apex, excluding: excluded, mode: .exclusive, withComments: false, inclusivePrefixes: []
                ) { Array($0) }
                guard parsed.namespacesSurelyAbsolute,
                    let fast = canonicalize(document: parsed.pointer, apex: apex, excluded: excluded, capacity: 256)
                else {
                    report.declined += 1
                    continue
                }
                report.compared += 1
                if fast != reference {
                    report.mismatches.append(
                        "apex \(describe(apex)), excluded \(describe(excluded)):\n  writer:  \(String(decoding: fast, as: UTF8.self))\n  libxml2: \(reference.map { String(decoding: $0, as: UTF8.self) } ?? "(failed)")"
                    )
                }
            }
        }
        return report
    }
}
