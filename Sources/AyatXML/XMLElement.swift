/// One attribute of an ``XMLElement``. Namespace declarations (`xmlns`, `xmlns:p`) are not
/// attributes here: they are how names are spelled, not what a document says.
public struct XMLAttribute: Sendable, Hashable {
    /// Local name, without any prefix.
    public var name: String
    /// Namespace URI, or nil for an unqualified attribute.
    public var namespace: String?
    public var value: String

    public init(name: String, namespace: String? = nil, value: String) {
        self.name = name
        self.namespace = namespace
        self.value = value
    }
}

/// A read-only-in-spirit value tree of an element, detached from libxml2 so it can cross
/// threads and outlive the parse. Comments and processing instructions are dropped, so they
/// can never change what a caller reads.
public struct XMLElement: Sendable, Hashable {
    /// Local name, without any prefix.
    public var name: String
    /// Namespace URI, or nil when the element is in no namespace.
    public var namespace: String?
    public var attributes: [XMLAttribute]
    /// Child elements in document order.
    public var children: [XMLElement]
    /// The concatenation of the direct text and CDATA children (comments split nothing:
    /// `a<!--x-->b` reads as `ab`, exactly as canonicalisation digests it).
    public var text: String

    public init(
        name: String,
        namespace: String? = nil,
        attributes: [XMLAttribute] = [],
        children: [XMLElement] = [],
        text: String = ""
    ) {
        self.name = name
        self.namespace = namespace
        self.attributes = attributes
        self.children = children
        self.text = text
    }

    /// The first child element with this local name, in any namespace.
    public func child(_ localName: String) -> XMLElement? {
        children.first { $0.name == localName }
    }

    /// The first child element with this local name in this namespace.
    public func child(_ localName: String, namespace: String?) -> XMLElement? {
        children.first { $0.name == localName && $0.namespace == namespace }
    }

    /// All child elements with this local name, in any namespace.
    public func children(named localName: String) -> [XMLElement] {
        children.filter { $0.name == localName }
    }

    /// The value of the first attribute with this local name, in any namespace
    /// (unqualified attributes are preferred when both exist).
    public func attribute(_ name: String) -> String? {
        attributes.first { $0.name == name && $0.namespace == nil }?.value
            ?? attributes.first { $0.name == name }?.value
    }

    /// The value of the attribute with this local name in this namespace.
    public func attribute(_ name: String, namespace: String?) -> String? {
        attributes.first { $0.name == name && $0.namespace == namespace }?.value
    }
}
