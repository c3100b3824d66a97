import CLibXML2
import Crypto
import SwiftASN1
import X509
import _CryptoExtras

/// Signs documents in the `xml-enveloped` layout. Holds only immutable values, so one signer
/// can serve many concurrent tasks; every call parses its own libxml2 document.
public struct XMLSigner: Sendable {
    public let algorithm: XMLSignatureAlgorithm
    public let certificate: Certificate
    let key: XMLSigningKey
    /// KeyInfo values are fixed per certificate: compute them once, not per message.
    private let issuerName: String
    private let serialNumber: String
    private let certificateBase64: String
    /// The certificate's subjectKeyIdentifier (the BAH layout's X509SKI), if it has one.
    let subjectKeyIdentifier: [UInt8]?
    /// The KeyInfo of each layout, written and digested once.
    let envelopedKeyInfo: SignatureMarkup.KeyInfo
    let headerKeyInfo: SignatureMarkup.KeyInfo?
    /// Whether to sign by splicing bytes where the document allows it; tests turn it off to
    /// compare the two paths.
    var splicing = true

    /// The Id of the signed ds:KeyInfo, referenced as `#KeyInfo`.
    public static let keyInfoID = "KeyInfo"

    /// - Throws: `.keyMismatch` when the key cannot produce `algorithm` or is not the key of
    ///   `certificate` (a mismatch would only be found by the bank, after sending).
    public init(key: XMLSigningKey, algorithm: XMLSignatureAlgorithm, certificate: Certificate) throws {
        guard key.fits(algorithm) else {
            throw XMLSignatureError(.keyMismatch, "a \(key.kindName) key cannot sign with \(algorithm.uri)")
        }
        guard key.certificatePublicKey == certificate.publicKey else {
            throw XMLSignatureError(.keyMismatch, "the private key is not the key of certificate \(certificate.subject)")
        }
        self.key = key
        self.algorithm = algorithm
        self.certificate = certificate
        self.issuerName = certificate.issuer.description
        self.serialNumber = XMLDSigEncoding.decimal(bigEndian: certificate.serialNumber.bytes)
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        self.certificateBase64 = XMLDSigEncoding.encodeBase64(serializer.serializedBytes)
        self.subjectKeyIdentifier = (try? certificate.extensions.subjectKeyIdentifier).flatMap { $0 }
            .map { Array($0.keyIdentifier) }
        let issuerSerial = SignatureMarkup.elements([(name: "X509IssuerName", text: issuerName), (name: "X509SerialNumber", text: serialNumber)])
        let certificate = SignatureMarkup.elements([(name: "X509Certificate", text: certificateBase64)])
        self.envelopedKeyInfo = SignatureMarkup.KeyInfo(
            id: Self.keyInfoID,
            content: Array("<ds:X509Data><ds:X509IssuerSerial>".utf8) + issuerSerial + Array("</ds:X509IssuerSerial>".utf8)
                + certificate + Array("</ds:X509Data>".utf8))
        self.headerKeyInfo = subjectKeyIdentifier.map { ski in
            SignatureMarkup.KeyInfo(
                id: Self.keyInfoID,
                content: Array("<ds:X509Data>".utf8) + SignatureMarkup.elements([(name: "X509SKI", text: XMLDSigEncoding.encodeBase64(ski))])
                    + Array("</ds:X509Data>".utf8))
        }
    }

    /// The `xml-enveloped` layout: a ds:Signature appended as the root element's LAST child, with
    /// Reference URI="" (transforms: enveloped-signature, exc-c14n) and Reference URI="#KeyInfo"
    /// (exc-c14n) pointing at `<ds:KeyInfo Id="KeyInfo">`, which carries X509Data with
    /// X509IssuerSerial (issuer DN as an RFC 4514 string, serial in decimal) and X509Certificate
    /// (base64 DER). SignedInfo is canonicalised with exc-c14n; digests are SHA-256.
    /// - Parameter schema: validated on the parsed tree before anything is signed (the document
    ///   is parsed once); a mismatch throws ``XMLSchemaViolation``.
    /// - Returns: UTF-8 bytes with an XML declaration. The content's whitespace is untouched. Where
    ///   the document allows it (see ``spliced(_:keyInfo:references:)``), the rest is its exclusive
    ///   canonical form: comments left out, empty elements written with end tags.
    public func signEnveloped(_ document: [UInt8], validatingAgainst schema: XMLSchema? = nil) throws -> [UInt8] {
        let (parsed, inventory) = try unsignedDocument(document, schema: schema)
        let (builder, signature, ds) = try newSignature(in: parsed, under: inventory.root)
        if let signed = try spliced(parsed, keyInfo: envelopedKeyInfo, references: { whole in
            [(uri: "", transforms: [.envelopedSignature, .exclusiveC14N], digest: whole)]
        }) {
            return signed
        }

        let contentDigest = try parsed.withCanonicalBytes(
            apex: nil, excluding: signature, mode: .exclusive, withComments: false, inclusivePrefixes: []
        ) { XMLDigestAlgorithm.sha256.digest($0) }
        let keyInfo = builder.child(of: signature, "KeyInfo", ds)
        xmlNewProp(keyInfo, "Id", Self.keyInfoID)
        let x509Data = builder.child(of: keyInfo, "X509Data", ds)
        let issuerSerial = builder.child(of: x509Data, "X509IssuerSerial", ds)
        builder.child(of: issuerSerial, "X509IssuerName", ds, text: issuerName)
        builder.child(of: issuerSerial, "X509SerialNumber", ds, text: serialNumber)
        builder.child(of: x509Data, "X509Certificate", ds, text: certificateBase64)

        return try completeSignature(in: parsed, builder: builder, ds: ds, keyInfo: keyInfo, references: [
            (uri: "", transforms: [.envelopedSignature, .exclusiveC14N], digest: contentDigest),
        ])
    }

    // MARK: Shared by every layout

    /// The fast path, taken when the document's canonical form is also a faithful serialisation
    /// of it (see ``LibXML2Document/faithfulCanonicalForm()``): the document with its empty
    /// Signature in place is canonicalised once, and the signed document is those bytes with the
    /// real Signature written into the empty one's place. The URI="" digest is the same bytes
    /// without it, which is what the enveloped-signature transform leaves. Nil when the document
    /// does not allow it; the caller then builds the Signature as nodes.
    /// - Parameter references: the references before `#KeyInfo`, given the URI="" digest.
    func spliced(
        _ parsed: LibXML2Document, keyInfo: SignatureMarkup.KeyInfo,
        references: (_ wholeDigest: [UInt8]) throws -> [SignatureMarkup.Reference]
    ) throws -> [UInt8]? {
        guard splicing, let canonical = parsed.faithfulCanonicalForm(),
            let mark = SignatureMarkup.onlyRange(of: SignatureMarkup.emptySignature, in: canonical)
        else { return nil }
        var hasher = SHA256()
        canonical.withUnsafeBytes { bytes in
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: bytes[..<mark.lowerBound]))
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: bytes[mark.upperBound...]))
        }
        let signedInfo = SignatureMarkup.signedInfo(
            algorithm: algorithm,
            references: try references(Array(hasher.finalize()))
                + [(uri: "#\(Self.keyInfoID)", transforms: [.exclusiveC14N], digest: keyInfo.digest)])
        let value = try signedInfo.canonical.withUnsafeBytes { try key.sign($0, algorithm: algorithm) }
        let signature = SignatureMarkup.signature(signedInfo: signedInfo.inSignature, value: value, keyInfo: keyInfo)

        var output = Self.declaration
        output.reserveCapacity(output.count + canonical.count + signature.count)
        output += canonical[..<mark.lowerBound]
        output += signature
        output += canonical[mark.upperBound...]
        return output
    }

    private static let declaration = Array("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n".utf8)

    /// Parses a document about to be signed: within the strict limits, valid against `schema`
    /// when one is given, not signed yet, and not already using the KeyInfo's id.
    func unsignedDocument(_ document: [UInt8], schema: XMLSchema?) throws -> (LibXML2Document, DocumentInventory) {
        let policy = XMLVerificationPolicy.strict
        let parsed = try LibXML2Document(parsing: document, maxBytes: policy.maxDocumentBytes)
        let inventory = try DocumentInventory(document: parsed, limits: policy, signatureChecks: true)
        if let schema {
            do {
                try schema.validate(parsed: parsed)
            } catch let error as XMLSignatureError {
                throw XMLSchemaViolation(error)
            }
        }
        guard inventory.signatures.isEmpty else {
            throw XMLSignatureError(.multipleSignatures, "the document is already signed")
        }
        guard inventory.elementsByID[Self.keyInfoID] == nil else {
            throw XMLSignatureError(.duplicateID, "the document already uses the id '\(Self.keyInfoID)'")
        }
        return (parsed, inventory)
    }

    /// An empty `ds:Signature` appended to `parent`, with its namespace declared on it.
    func newSignature(in parsed: LibXML2Document, under parent: xmlNodePtr) throws -> (NodeBuilder, xmlNodePtr, xmlNsPtr) {
        let builder = NodeBuilder(document: parsed.pointer)
        let signature = builder.element("Signature", namespace: nil)
        guard let ds = xmlNewNs(signature, XMLNamespaces.dsig, "ds") else {
            throw XMLSignatureError(.internalFailure, "cannot declare the ds namespace")
        }
        xmlSetNs(signature, ds)
        xmlAddChild(parent, signature)
        return (builder, signature, ds)
    }

    /// Digests `keyInfo` as the last Reference, then adds SignedInfo (exc-c14n, the signer's
    /// algorithm, `references` then `#KeyInfo`) and the SignatureValue over its canonical form,
    /// both before `keyInfo`. Returns the signed document's bytes.
    func completeSignature(
        in parsed: LibXML2Document, builder: NodeBuilder, ds: xmlNsPtr, keyInfo: xmlNodePtr,
        references: [(uri: String, transforms: [XMLTransform], digest: [UInt8])]
    ) throws -> [UInt8] {
        let keyInfoDigest = try parsed.withCanonicalBytes(
            apex: keyInfo, excluding: nil, mode: .exclusive, withComments: false, inclusivePrefixes: []
        ) { XMLDigestAlgorithm.sha256.digest($0) }

        let signedInfo = builder.element("SignedInfo", namespace: ds)
        xmlAddPrevSibling(keyInfo, signedInfo)
        builder.child(of: signedInfo, "CanonicalizationMethod", ds, algorithm: XMLTransform.exclusiveC14N.uri)
        builder.child(of: signedInfo, "SignatureMethod", ds, algorithm: algorithm.uri)
        for reference in references {
            builder.reference(in: signedInfo, ds, uri: reference.uri, transforms: reference.transforms, digest: reference.digest)
        }
        builder.reference(in: signedInfo, ds, uri: "#\(Self.keyInfoID)", transforms: [.exclusiveC14N], digest: keyInfoDigest)

        let signatureValue = try parsed.withCanonicalBytes(
            apex: signedInfo, excluding: nil, mode: .exclusive, withComments: false, inclusivePrefixes: []
        ) { try key.sign($0, algorithm: algorithm) }
        let valueElement = builder.element("SignatureValue", namespace: ds)
        xmlAddPrevSibling(keyInfo, valueElement)
        xmlNodeAddContent(valueElement, XMLDSigEncoding.encodeBase64(signatureValue))

        return try parsed.serializedUTF8()
    }
}

extension XMLSigningKey {
    var kindName: String {
        switch self {
        case .rsa: "RSA"
        case .p256: "P-256"
        }
    }
}

/// Creates the ds:* nodes of a Signature inside one document (no whitespace between them,
/// so canonical and serialised forms agree without reformatting).
struct NodeBuilder {
    let document: xmlDocPtr

    func element(_ name: String, namespace: xmlNsPtr?) -> xmlNodePtr {
        let node = xmlNewDocNode(document, namespace, name, nil)!
        return node
    }

    @discardableResult
    func child(of parent: xmlNodePtr, _ name: String, _ ns: xmlNsPtr, text: String? = nil, algorithm: String? = nil)
        -> xmlNodePtr
    {
        let node = element(name, namespace: ns)
        if let algorithm { xmlNewProp(node, "Algorithm", algorithm) }
        // xmlNodeAddContent stores the text literally; serialisation escapes it.
        if let text { xmlNodeAddContent(node, text) }
        xmlAddChild(parent, node)
        return node
    }

    func reference(in signedInfo: xmlNodePtr, _ ns: xmlNsPtr, uri: String, transforms: [XMLTransform], digest: [UInt8]) {
        let reference = child(of: signedInfo, "Reference", ns)
        xmlNewProp(reference, "URI", uri)
        let transformsElement = child(of: reference, "Transforms", ns)
        for transform in transforms {
            child(of: transformsElement, "Transform", ns, algorithm: transform.uri)
        }
        child(of: reference, "DigestMethod", ns, algorithm: XMLDigestAlgorithm.sha256.uri)
        child(of: reference, "DigestValue", ns, text: XMLDSigEncoding.encodeBase64(digest))
    }
}
