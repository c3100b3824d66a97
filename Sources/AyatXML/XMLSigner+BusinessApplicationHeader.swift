import CLibXML2
import X509

extension XMLSigner {
    /// Signs a message in the ``BusinessApplicationHeader`` layout.
    ///
    /// The input is the unsigned envelope: its element children are exactly `AppHdr`
    /// (head.001.001.02) then `Document`, and `Document` carries the `Id` its Reference names.
    /// `AppHdr` either has no `Sgntr` (one is created before any `Rltd`, else last) or an empty one.
    /// The ds:Signature goes into `AppHdr/Sgntr` with References `URI=""` (enveloped-signature,
    /// exc-c14n), `#<Document Id>` (exc-c14n) and `#KeyInfo` (exc-c14n); `ds:KeyInfo Id="KeyInfo"`
    /// carries `X509Data/X509SKI`, the certificate's subjectKeyIdentifier in base64.
    /// - Returns: UTF-8 bytes with an XML declaration. The content's whitespace is untouched.
    /// - Throws: `.layoutMismatch` for another shape, `.keyMismatch` when the certificate has no
    ///   subjectKeyIdentifier extension (the layout names the signer by it).
    public func signBusinessApplicationHeader(_ document: [UInt8]) throws -> [UInt8] {
        guard let ski = try? certificate.extensions.subjectKeyIdentifier else {
            throw XMLSignatureError(
                .keyMismatch,
                "certificate \(certificate.subject) has no subjectKeyIdentifier extension; the BAH layout names the signer by X509SKI"
            )
        }
        let policy = XMLVerificationPolicy.strict
        let parsed = try LibXML2Document(parsing: document, maxBytes: policy.maxDocumentBytes)
        let inventory = try DocumentInventory(document: parsed, limits: policy, signatureChecks: true)
        guard inventory.signatures.isEmpty else {
            throw XMLSignatureError(.multipleSignatures, "the document is already signed")
        }
        guard inventory.elementsByID[Self.keyInfoID] == nil else {
            throw XMLSignatureError(.duplicateID, "the document already uses the id '\(Self.keyInfoID)'")
        }
        let parts = try BusinessApplicationHeaderLayout.parts(of: inventory.root)
        guard let documentID = LibXML2Node.attribute(parts.document, "Id"), !documentID.isEmpty,
            inventory.elementsByID[documentID] == parts.document
        else {
            throw XMLSignatureError(.layoutMismatch, "Document has no Id attribute for its Reference to name")
        }
        let sgntr = try Self.signatureEnvelope(in: parts.header, document: parsed.pointer)
        let sha256 = XMLDigestAlgorithm.sha256

        let builder = NodeBuilder(document: parsed.pointer)
        let signature = builder.element("Signature", namespace: nil)
        guard let ds = xmlNewNs(signature, XMLNamespaces.dsig, "ds") else {
            throw XMLSignatureError(.internalFailure, "cannot declare the ds namespace")
        }
        xmlSetNs(signature, ds)
        xmlAddChild(sgntr, signature)

        let keyInfo = builder.child(of: signature, "KeyInfo", ds)
        xmlNewProp(keyInfo, "Id", Self.keyInfoID)
        let x509Data = builder.child(of: keyInfo, "X509Data", ds)
        builder.child(of: x509Data, "X509SKI", ds, text: XMLDSigEncoding.encodeBase64(Array(ski.keyIdentifier)))

        // URI="": the whole document with the Signature left out (the enveloped transform).
        let wholeDigest = try parsed.withCanonicalBytes(
            apex: nil, excluding: signature, mode: .exclusive, withComments: false, inclusivePrefixes: []
        ) { sha256.digest($0) }
        let documentDigest = try parsed.withCanonicalBytes(
            apex: parts.document, excluding: nil, mode: .exclusive, withComments: false, inclusivePrefixes: []
        ) { sha256.digest($0) }
        let keyInfoDigest = try parsed.withCanonicalBytes(
            apex: keyInfo, excluding: nil, mode: .exclusive, withComments: false, inclusivePrefixes: []
        ) { sha256.digest($0) }

        let signedInfo = builder.element("SignedInfo", namespace: ds)
        xmlAddPrevSibling(keyInfo, signedInfo)
        builder.child(of: signedInfo, "CanonicalizationMethod", ds, algorithm: XMLTransform.exclusiveC14N.uri)
        builder.child(of: signedInfo, "SignatureMethod", ds, algorithm: algorithm.uri)
        builder.reference(
            in: signedInfo, ds, uri: "", transforms: [.envelopedSignature, .exclusiveC14N], digest: wholeDigest)
        builder.reference(
            in: signedInfo, ds, uri: "#\(documentID)", transforms: [.exclusiveC14N], digest: documentDigest)
        builder.reference(
            in: signedInfo, ds, uri: "#\(Self.keyInfoID)", transforms: [.exclusiveC14N], digest: keyInfoDigest)

        let signatureValue = try parsed.withCanonicalBytes(
            apex: signedInfo, excluding: nil, mode: .exclusive, withComments: false, inclusivePrefixes: []
        ) { try key.sign($0, algorithm: algorithm) }
        let valueElement = builder.element("SignatureValue", namespace: ds)
        xmlAddPrevSibling(keyInfo, valueElement)
        xmlNodeAddContent(valueElement, XMLDSigEncoding.encodeBase64(signatureValue))

        return try parsed.serializedUTF8()
    }

    /// The empty `Sgntr` of `header`, created in head.001 order when absent.
    private static func signatureEnvelope(in header: xmlNodePtr, document: xmlDocPtr) throws -> xmlNodePtr {
        let namespace = BusinessApplicationHeader.headerNamespace
        let children = LibXML2Node.elementChildren(header)
        let existing = children.filter { LibXML2Node.isElement($0, named: "Sgntr", namespace: namespace) }
        if let sgntr = existing.first {
            guard existing.count == 1, sgntr.pointee.children == nil || !LibXML2Node.hasNonElementContent(sgntr),
                LibXML2Node.elementChildren(sgntr).isEmpty
            else {
                throw XMLSignatureError(.layoutMismatch, "AppHdr/Sgntr must be single and empty before signing")
            }
            return sgntr
        }
        guard let sgntr = xmlNewDocNode(document, header.pointee.ns, "Sgntr", nil) else {
            throw XMLSignatureError(.internalFailure, "cannot create Sgntr")
        }
        if let related = children.first(where: { LibXML2Node.isElement($0, named: "Rltd", namespace: namespace) }) {
            xmlAddPrevSibling(related, sgntr)
        } else {
            xmlAddChild(header, sgntr)
        }
        return sgntr
    }
}
