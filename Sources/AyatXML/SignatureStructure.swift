import CLibXML2

/// The parts of the one ds:Signature, read strictly and checked against the policy's
/// algorithm, transform and count limits before any cryptography runs.
struct SignatureStructure {
    struct Reference {
        let element: xmlNodePtr
        let uri: String
        /// Whether the enveloped-signature transform removes the Signature from the node set.
        let envelopedSignature: Bool
        /// The final canonicalisation: the explicit transform, or inclusive C14N 1.0 implicitly.
        let canonicalization: XMLTransform.Canonicalization
        let inclusivePrefixes: [String]
        let digestAlgorithm: XMLDigestAlgorithm
        let digestValue: [UInt8]
    }

    /// What KeyInfo says about the signer; used only to choose among pinned certificates.
    struct KeyHints {
        var certificates: [[UInt8]] = []
        var issuerSerials: [(issuer: String, serial: String)] = []
        var subjectKeyIdentifiers: [[UInt8]] = []

        var isEmpty: Bool { certificates.isEmpty && issuerSerials.isEmpty && subjectKeyIdentifiers.isEmpty }
    }

    let signature: xmlNodePtr
    let signedInfo: xmlNodePtr
    let canonicalization: XMLTransform.Canonicalization
    let canonicalizationPrefixes: [String]
    let algorithm: XMLSignatureAlgorithm
    let references: [Reference]
    let signatureValue: [UInt8]
    let keyHints: KeyHints

    init(signature: xmlNodePtr, policy: XMLVerificationPolicy) throws {
        self.signature = signature
        if LibXML2Node.hasNonElementContent(signature) {
            throw XMLSignatureError(.malformed, "text, a comment or a PI directly inside Signature")
        }
        let parts = LibXML2Node.elementChildren(signature)
        guard let first = parts.first, LibXML2Node.isDSig(first, "SignedInfo") else {
            throw XMLSignatureError(.multipleSignedInfo, "Signature does not start with SignedInfo")
        }
        guard parts.count >= 2, LibXML2Node.isDSig(parts[1], "SignatureValue") else {
            throw XMLSignatureError(.malformed, "SignedInfo is not followed by SignatureValue")
        }
        var index = 2
        var keyInfo: xmlNodePtr?
        if index < parts.count, LibXML2Node.isDSig(parts[index], "KeyInfo") {
            keyInfo = parts[index]
            index += 1
        }
        for extra in parts[index...] where !LibXML2Node.isDSig(extra, "Object") {
            throw XMLSignatureError(
                .malformed, "unexpected element '\(LibXML2Node.localName(extra))' inside Signature")
        }
        signedInfo = first

        // SignedInfo is what the signature covers: nothing in it may be invisible to C14N.
        if Self.containsCommentOrPI(first) {
            throw XMLSignatureError(.malformed, "a comment or processing instruction inside SignedInfo")
        }
        if LibXML2Node.hasNonElementContent(first) {
            throw XMLSignatureError(.malformed, "text directly inside SignedInfo")
        }
        let infoParts = LibXML2Node.elementChildren(first)
        guard infoParts.count >= 3, LibXML2Node.isDSig(infoParts[0], "CanonicalizationMethod"),
            LibXML2Node.isDSig(infoParts[1], "SignatureMethod")
        else {
            throw XMLSignatureError(
                .malformed, "SignedInfo must hold CanonicalizationMethod, SignatureMethod and References")
        }

        // CanonicalizationMethod
        let c14nURI = try Self.algorithmAttribute(of: infoParts[0])
        guard let c14n = XMLTransform(uri: c14nURI), c14n.isCanonicalization,
            policy.allowedSignedInfoCanonicalizations.contains(c14n),
            case .canonicalization(let c14nMode, _) = c14n.kind
        else {
            throw XMLSignatureError(
                .algorithmForbidden, "CanonicalizationMethod \(c14nURI) is not allowed by the verification policy")
        }
        canonicalization = c14nMode
        canonicalizationPrefixes = try Self.inclusivePrefixes(of: infoParts[0], mode: c14nMode)

        // SignatureMethod
        let methodURI = try Self.algorithmAttribute(of: infoParts[1])
        guard let method = XMLSignatureAlgorithm(uri: methodURI), policy.allowedSignatureAlgorithms.contains(method)
        else {
            throw XMLSignatureError(.algorithmForbidden, XMLSignatureAlgorithm.refusalReason(forUnlisted: methodURI))
        }
        if infoParts[1].pointee.children != nil {
            throw XMLSignatureError(.malformed, "SignatureMethod must be empty")
        }
        algorithm = method

        // References
        let referenceElements = Array(infoParts[2...])
        guard referenceElements.count <= policy.maxReferences else {
            throw XMLSignatureError(
                .limitExceeded, "\(referenceElements.count) References, the limit is \(policy.maxReferences)")
        }
        references = try referenceElements.map { try Self.reference($0, policy: policy) }

        // SignatureValue
        let valueElement = parts[1]
        if LibXML2Node.hasNonTextContent(valueElement) {
            throw XMLSignatureError(.malformed, "markup or a comment inside SignatureValue")
        }
        guard let value = XMLDSigEncoding.decodeBase64(LibXML2Node.text(valueElement)) else {
            throw XMLSignatureError(.malformed, "SignatureValue is not base64")
        }
        signatureValue = value

        keyHints = try keyInfo.map(Self.keyHints) ?? KeyHints()
    }

    private static func reference(_ element: xmlNodePtr, policy: XMLVerificationPolicy) throws -> Reference {
        guard LibXML2Node.isDSig(element, "Reference") else {
            throw XMLSignatureError(
                .malformed, "unexpected element '\(LibXML2Node.localName(element))' inside SignedInfo")
        }
        guard let uri = LibXML2Node.attribute(element, "URI") else {
            throw XMLSignatureError(.referenceNotFound, "a Reference without URI (what it covers is up to the reader)")
        }
        var parts = LibXML2Node.elementChildren(element)
        var enveloped = false
        var finalC14N: (XMLTransform.Canonicalization, [String])?
        if let first = parts.first, LibXML2Node.isDSig(first, "Transforms") {
            parts.removeFirst()
            if LibXML2Node.hasNonElementContent(first) {
                throw XMLSignatureError(.malformed, "text inside Transforms")
            }
            let transforms = LibXML2Node.elementChildren(first)
            guard !transforms.isEmpty else { throw XMLSignatureError(.malformed, "empty Transforms") }
            guard transforms.count <= policy.maxTransformsPerReference else {
                throw XMLSignatureError(
                    .limitExceeded,
                    "Reference '\(uri)' has \(transforms.count) Transforms, the limit is \(policy.maxTransformsPerReference)"
                )
            }
            for transformElement in transforms {
                guard LibXML2Node.isDSig(transformElement, "Transform") else {
                    throw XMLSignatureError(.malformed, "unexpected element inside Transforms")
                }
                let transformURI = try algorithmAttribute(of: transformElement)
                guard let transform = XMLTransform(uri: transformURI), policy.allowedTransforms.contains(transform)
                else {
                    throw XMLSignatureError(.transformForbidden, XMLTransform.refusalReason(forUnlisted: transformURI))
                }
                guard finalC14N == nil else {
                    throw XMLSignatureError(
                        .transformForbidden, "Reference '\(uri)': no transform may follow canonicalisation")
                }
                switch transform.kind {
                case .envelopedSignature:
                    guard !enveloped else {
                        throw XMLSignatureError(.transformForbidden, "Reference '\(uri)': enveloped-signature twice")
                    }
                    if transformElement.pointee.children != nil {
                        throw XMLSignatureError(.malformed, "the enveloped-signature Transform must be empty")
                    }
                    enveloped = true
                case .canonicalization(let mode, _):
                    // Same-document references drop comments from the node set before any
                    // transform, so #WithComments renders none here (XMLDSig §4.4.3.3).
                    finalC14N = (mode, try inclusivePrefixes(of: transformElement, mode: mode))
                }
            }
        }
        guard parts.count == 2, LibXML2Node.isDSig(parts[0], "DigestMethod"),
            LibXML2Node.isDSig(parts[1], "DigestValue")
        else {
            throw XMLSignatureError(.malformed, "Reference '\(uri)' must hold DigestMethod and DigestValue")
        }
        let digestURI = try algorithmAttribute(of: parts[0])
        guard let digest = XMLDigestAlgorithm(uri: digestURI), policy.allowedDigestAlgorithms.contains(digest) else {
            throw XMLSignatureError(.algorithmForbidden, XMLDigestAlgorithm.refusalReason(forUnlisted: digestURI))
        }
        if LibXML2Node.hasNonTextContent(parts[1]) {
            throw XMLSignatureError(.malformed, "markup or a comment inside DigestValue")
        }
        guard let value = XMLDSigEncoding.decodeBase64(LibXML2Node.text(parts[1])) else {
            throw XMLSignatureError(.malformed, "DigestValue of Reference '\(uri)' is not base64")
        }
        let (mode, prefixes) = finalC14N ?? (.inclusive10, [])
        return Reference(
            element: element, uri: uri, envelopedSignature: enveloped, canonicalization: mode,
            inclusivePrefixes: prefixes, digestAlgorithm: digest, digestValue: value)
    }

    private static func algorithmAttribute(of element: xmlNodePtr) throws -> String {
        guard let value = LibXML2Node.attribute(element, "Algorithm") else {
            throw XMLSignatureError(.malformed, "\(LibXML2Node.localName(element)) without Algorithm")
        }
        return value
    }

    /// The InclusiveNamespaces PrefixList of an exclusive canonicalisation; any other child is refused.
    private static func inclusivePrefixes(of element: xmlNodePtr, mode: XMLTransform.Canonicalization) throws
        -> [String]
    {
        if LibXML2Node.hasNonElementContent(element) {
            throw XMLSignatureError(.malformed, "unexpected content inside \(LibXML2Node.localName(element))")
        }
        let children = LibXML2Node.elementChildren(element)
        guard let only = children.first else { return [] }
        guard children.count == 1, mode == .exclusive,
            LibXML2Node.isElement(only, named: "InclusiveNamespaces", namespace: XMLNamespaces.exclusiveC14N),
            only.pointee.children == nil
        else {
            throw XMLSignatureError(.malformed, "unexpected parameters inside \(LibXML2Node.localName(element))")
        }
        let list = LibXML2Node.attribute(only, "PrefixList") ?? ""
        return list.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).map(String.init)
    }

    private static func containsCommentOrPI(_ node: xmlNodePtr) -> Bool {
        var cursor = node.pointee.children
        while let child = cursor {
            switch child.pointee.type {
            case XML_COMMENT_NODE, XML_PI_NODE: return true
            case XML_ELEMENT_NODE: if containsCommentOrPI(child) { return true }
            default: break
            }
            cursor = child.pointee.next
        }
        return false
    }

    private static func keyHints(_ keyInfo: xmlNodePtr) throws -> KeyHints {
        var hints = KeyHints()
        for data in LibXML2Node.elementChildren(keyInfo) where LibXML2Node.isDSig(data, "X509Data") {
            for item in LibXML2Node.elementChildren(data) {
                if LibXML2Node.isDSig(item, "X509Certificate") {
                    guard let der = XMLDSigEncoding.decodeBase64(LibXML2Node.text(item)) else {
                        throw XMLSignatureError(.malformed, "X509Certificate is not base64")
                    }
                    hints.certificates.append(der)
                } else if LibXML2Node.isDSig(item, "X509IssuerSerial") {
                    let fields = LibXML2Node.elementChildren(item)
                    guard let name = fields.first(where: { LibXML2Node.isDSig($0, "X509IssuerName") }),
                        let serial = fields.first(where: { LibXML2Node.isDSig($0, "X509SerialNumber") })
                    else {
                        throw XMLSignatureError(.malformed, "X509IssuerSerial without name or serial")
                    }
                    hints.issuerSerials.append(
                        (LibXML2Node.text(name), LibXML2Node.text(serial).trimmingXMLWhitespace()))
                } else if LibXML2Node.isDSig(item, "X509SKI") {
                    guard let ski = XMLDSigEncoding.decodeBase64(LibXML2Node.text(item)) else {
                        throw XMLSignatureError(.malformed, "X509SKI is not base64")
                    }
                    hints.subjectKeyIdentifiers.append(ski)
                }
            }
        }
        return hints
    }
}

extension String {
    func trimmingXMLWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "\t" || $0 == "\r\n" }
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[start...end])
    }
}
