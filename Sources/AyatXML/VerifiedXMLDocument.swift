import X509

/// One Reference of a verified signature and, for `#id` references, the element it covered.
public struct VerifiedXMLReference: Sendable, Hashable {
    /// The Reference URI as written ("" for the whole document).
    public let uri: String
    /// The referenced element as a value tree, or nil for URI="" (the document is ``VerifiedXMLDocument/root``).
    public let element: XMLElement?
    public let digestAlgorithm: XMLDigestAlgorithm
}

/// A document whose signature verified against a pinned certificate. Read only `root` (or the
/// referenced elements): that is exactly what the signature covered.
public struct VerifiedXMLDocument: Sendable {
    /// The pinned certificate that verified the signature.
    public let signer: Certificate
    /// The signed document's root as a value tree, with the ds:Signature removed.
    public let root: XMLElement
    public let algorithm: XMLSignatureAlgorithm
    public let references: [VerifiedXMLReference]
}

/// The outcome of ``XMLPublicKeyVerifier``: like ``VerifiedXMLDocument`` without a certificate.
public struct VerifiedXMLContent: Sendable {
    /// Index into the verifier's `pinnedKeys` of the key that verified.
    public let keyIndex: Int
    /// The document root with the ds:Signature removed (the Signature itself when it is the root).
    public let root: XMLElement
    public let algorithm: XMLSignatureAlgorithm
    public let references: [VerifiedXMLReference]
}
