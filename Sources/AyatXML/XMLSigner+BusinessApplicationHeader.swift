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
    /// - Parameter schema: validated on the parsed tree before anything is signed (the document
    ///   is parsed once); a mismatch throws ``XMLSchemaViolation``.
    /// - Returns: UTF-8 bytes with an XML declaration. The content's whitespace is untouched. Where
    ///   the document allows it (see ``spliced(_:keyInfo:references:)``), the rest is its exclusive
    ///   canonical form: comments left out, empty elements written with end tags.
    /// - Throws: `.layoutMismatch` for another shape, `.keyMismatch` when the certificate has no
    ///   subjectKeyIdentifier extension (the layout names the signer by it).
    public func signBusinessApplicationHeader(_ document: [UInt8], validatingAgainst schema: XMLSchema? = nil) throws
        -> [UInt8]
    {
        guard let ski = subjectKeyIdentifier else {
            throw XMLSignatureError(
                .keyMismatch,
                "certificate \(certificate.subject) has no subjectKeyIdentifier extension; the BAH layout names the signer by X509SKI"
            )
        }
        let (parsed, inventory) = try unsignedDocument(document, schema: schema)
        let parts = try BusinessApplicationHeaderLayout.parts(of: inventory.root)
        guard let documentID = LibXML2Node.attribute(parts.document, "Id"), !documentID.isEmpty,
            inventory.elementsByID[documentID] == parts.document
        else {
            throw XMLSignatureError(.layoutMismatch, "Document has no Id attribute for its Reference to name")
        }
        let sgntr = try Self.signatureEnvelope(in: parts.header, document: parsed.pointer)
        let sha256 = XMLDigestAlgorithm.sha256
        let documentDigest = try parsed.withCanonicalBytes(
            apex: parts.document, excluding: nil, mode: .exclusive, withComments: false, inclusivePrefixes: []
        ) { sha256.digest($0) }

        let (builder, signature, ds) = try newSignature(in: parsed, under: sgntr)
        if let headerKeyInfo, let signed = try spliced(parsed, keyInfo: headerKeyInfo, references: { whole in
            [(uri: "", transforms: [.envelopedSignature, .exclusiveC14N], digest: whole),
             (uri: "#\(documentID)", transforms: [.exclusiveC14N], digest: documentDigest)]
        }) {
            return signed
        }

        let keyInfo = builder.child(of: signature, "KeyInfo", ds)
        xmlNewProp(keyInfo, "Id", Self.keyInfoID)
        let x509Data = builder.child(of: keyInfo, "X509Data", ds)
        builder.child(of: x509Data, "X509SKI", ds, text: XMLDSigEncoding.encodeBase64(ski))

        // URI="": the whole document with the Signature left out (the enveloped transform).
        let wholeDigest = try parsed.withCanonicalBytes(
            apex: nil, excluding: signature, mode: .exclusive, withComments: false, inclusivePrefixes: []
        ) { sha256.digest($0) }
        return try completeSignature(in: parsed, builder: builder, ds: ds, keyInfo: keyInfo, references: [
            (uri: "", transforms: [.envelopedSignature, .exclusiveC14N], digest: wholeDigest),
            (uri: "#\(documentID)", transforms: [.exclusiveC14N], digest: documentDigest),
        ])
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
