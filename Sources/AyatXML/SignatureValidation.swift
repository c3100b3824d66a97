import CLibXML2

/// What a layout check sees: the parsed tree, the one Signature and where each Reference
/// resolved (nil for URI="", the whole document), in SignedInfo order.
struct SignatureLayoutContext {
    let root: xmlNodePtr
    let signature: xmlNodePtr
    let structure: SignatureStructure
    let targets: [xmlNodePtr?]
}

/// The key-agnostic core of verification shared by ``XMLSignatureVerifier`` (pinned
/// certificates) and ``XMLPublicKeyVerifier`` (pinned raw keys).
///
/// Order matters: every structural and policy check runs before any cryptography, and the
/// SignatureValue is checked before any Reference is processed, so attacker-chosen transforms
/// and node sets are never worked on before SignedInfo is authenticated.
enum SignatureValidation {
    struct Outcome {
        let keyIndex: Int
        let root: XMLElement
        let algorithm: XMLSignatureAlgorithm
        let references: [VerifiedXMLReference]
    }

    /// - Parameters:
    ///   - candidates: the keys worth trying, chosen from KeyInfo hints (throws to refuse, e.g.
    ///     an unpinned certificate), as indices into the caller's pinned list.
    ///   - acceptSigner: called with the index of the key that verified (e.g. to check validity).
    ///   - layout: a profile's structural rules (where the Signature sits, what each Reference
    ///     must cover), checked after every Reference resolved and before any cryptography.
    static func verify(
        _ document: [UInt8],
        policy: XMLVerificationPolicy,
        candidates: (SignatureStructure) throws -> [(index: Int, key: XMLVerificationKey)],
        acceptSigner: (Int) throws -> Void,
        layout: ((SignatureLayoutContext) throws -> Void)? = nil,
        schema: XMLSchema? = nil
    ) throws -> Outcome {
        let parsed = try LibXML2Document(parsing: document, maxBytes: policy.maxDocumentBytes)
        let inventory = try DocumentInventory(document: parsed, limits: policy, signatureChecks: true)
        guard let signature = inventory.signatures.first else {
            throw XMLSignatureError(.missingSignature, "the document has no ds:Signature")
        }
        guard inventory.signatures.count == 1 else {
            throw XMLSignatureError(
                .multipleSignatures, "the document has \(inventory.signatures.count) ds:Signature elements")
        }
        guard inventory.signedInfos.count == 1 else {
            throw XMLSignatureError(
                .multipleSignedInfo, "the document has \(inventory.signedInfos.count) ds:SignedInfo elements")
        }
        let structure = try SignatureStructure(signature: signature, policy: policy)

        // Resolve every Reference before any cryptography.
        var targets: [xmlNodePtr?] = []
        var coversWholeDocument = false
        for reference in structure.references {
            let target = try resolve(reference, inventory: inventory)
            if target == nil {
                guard reference.envelopedSignature else {
                    throw XMLSignatureError(
                        .transformForbidden, "Reference URI=\"\" without the enveloped-signature transform")
                }
                coversWholeDocument = true
            }
            targets.append(target)
        }
        if policy.requireWholeDocumentReference && !coversWholeDocument {
            throw XMLSignatureError(
                .referenceNotRoot,
                "no Reference URI=\"\" covers the document; the root the caller reads would not be what was signed")
        }
        try layout?(
            SignatureLayoutContext(root: inventory.root, signature: signature, structure: structure, targets: targets))

        // SignedInfo → SignatureValue.
        let keys = try candidates(structure)
        guard !keys.isEmpty else {
            throw XMLSignatureError(.unpinnedCertificate, "no pinned key can check \(structure.algorithm.uri)")
        }
        let verifiedIndex: Int? = try parsed.withCanonicalBytes(
            apex: structure.signedInfo, excluding: nil, mode: structure.canonicalization, withComments: false,
            inclusivePrefixes: structure.canonicalizationPrefixes
        ) { signedBytes in
            keys.first { $0.key.isValidSignature(structure.signatureValue, over: signedBytes, algorithm: structure.algorithm) }?
                .index
        }
        guard let verifiedIndex else {
            throw XMLSignatureError(
                .signatureInvalid,
                "SignatureValue does not verify over SignedInfo with \(keys.count == 1 ? "the selected pinned key" : "any of \(keys.count) pinned keys")"
            )
        }
        try acceptSigner(verifiedIndex)

        // References → digests.
        for (reference, target) in zip(structure.references, targets) {
            let computed = try parsed.withCanonicalBytes(
                apex: target, excluding: reference.envelopedSignature ? signature : nil,
                mode: reference.canonicalization, withComments: false, inclusivePrefixes: reference.inclusivePrefixes
            ) { reference.digestAlgorithm.digest($0) }
            guard XMLDSigEncoding.constantTimeEqual(computed, reference.digestValue) else {
                throw XMLSignatureError(
                    .digestMismatch, "the digest of Reference URI=\"\(reference.uri)\" does not match its content")
            }
        }

        // The schema last, on this very tree: the bytes are never parsed twice.
        if let schema {
            do {
                try schema.validate(parsed: parsed)
            } catch let error as XMLSignatureError {
                throw XMLSchemaViolation(error)
            }
        }

        // Value trees: a referenced element inside the root is the root's own subtree, built once.
        let root: XMLElement
        let referenced: [XMLElement?]
        if inventory.root == signature {
            root = LibXML2Node.valueTree(signature)
            referenced = targets.map { $0.map { LibXML2Node.valueTree($0, excluding: signature) } }
        } else {
            var builder = ValueTreeBuilder(excluding: signature, capture: targets.compactMap { $0 })
            root = builder.build(inventory.root)
            referenced = targets.map { target in
                target.map { builder.captured(for: $0) ?? LibXML2Node.valueTree($0, excluding: signature) }
            }
        }
        let verifiedReferences = zip(structure.references, referenced).map { reference, element in
            VerifiedXMLReference(uri: reference.uri, element: element, digestAlgorithm: reference.digestAlgorithm)
        }
        return Outcome(
            keyIndex: verifiedIndex, root: root, algorithm: structure.algorithm, references: verifiedReferences)
    }

    /// nil means the whole document (URI=""); otherwise the one element with that id.
    private static func resolve(_ reference: SignatureStructure.Reference, inventory: DocumentInventory) throws
        -> xmlNodePtr?
    {
        let uri = reference.uri
        if uri.isEmpty { return nil }
        guard uri.hasPrefix("#") else {
            throw XMLSignatureError(
                .referenceNotFound, "Reference URI=\"\(uri)\": only same-document references are followed")
        }
        let id = String(uri.dropFirst())
        if id.hasPrefix("xpointer(") {
            throw XMLSignatureError(.referenceNotFound, "Reference URI=\"\(uri)\": XPointer references are refused")
        }
        guard let element = inventory.elementsByID[id] else {
            throw XMLSignatureError(.referenceNotFound, "Reference URI=\"\(uri)\": no element has id '\(id)'")
        }
        return element
    }
}
