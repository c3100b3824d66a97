/// Every limit the verifier and the safe parser enforce, in one place, so a profile's
/// trust decisions are visible in one value. Start from ``strict`` and loosen only with a reason.
public struct XMLVerificationPolicy: Sendable, Hashable {
    /// SignatureMethods accepted. SHA-1, MD5, DSA and HMAC methods have no member and are
    /// always refused with a reason naming the algorithm.
    public var allowedSignatureAlgorithms: Set<XMLSignatureAlgorithm>
    /// DigestMethods accepted in References. SHA-1 and MD5 cannot be listed.
    public var allowedDigestAlgorithms: Set<XMLDigestAlgorithm>
    /// CanonicalizationMethods accepted for SignedInfo.
    public var allowedSignedInfoCanonicalizations: Set<XMLTransform>
    /// Transforms accepted inside a Reference. XSLT, XPath and every unlisted URI are refused.
    /// (When a Reference's transforms end without a canonicalisation, XMLDSig applies inclusive
    /// C14N 1.0 implicitly; that final step is not a listed transform and is always performed.)
    public var allowedTransforms: Set<XMLTransform>
    /// Largest document accepted, in bytes, checked before parsing.
    public var maxDocumentBytes: Int
    /// Deepest element nesting accepted (the root element is depth 1).
    public var maxDepth: Int
    /// Most elements accepted in one document.
    public var maxElements: Int
    /// Most attributes (namespace declarations not counted) on one element.
    public var maxAttributesPerElement: Int
    /// Most References in SignedInfo.
    public var maxReferences: Int
    /// Most Transforms in one Reference.
    public var maxTransformsPerReference: Int
    /// Require a `Reference URI=""` (whole document, enveloped transform), so that the root the
    /// caller reads is exactly what was signed. Only tests of enveloping vectors turn this off.
    public var requireWholeDocumentReference: Bool
    /// Check the signer certificate's notBefore/notAfter against the verification time.
    public var requireCertificateValidAtVerificationTime: Bool
    /// Smallest RSA modulus accepted, in bits.
    public var minimumRSAKeyBits: Int

    public init(
        allowedSignatureAlgorithms: Set<XMLSignatureAlgorithm>,
        allowedDigestAlgorithms: Set<XMLDigestAlgorithm>,
        allowedSignedInfoCanonicalizations: Set<XMLTransform>,
        allowedTransforms: Set<XMLTransform>,
        maxDocumentBytes: Int,
        maxDepth: Int,
        maxElements: Int,
        maxAttributesPerElement: Int,
        maxReferences: Int,
        maxTransformsPerReference: Int,
        requireWholeDocumentReference: Bool,
        requireCertificateValidAtVerificationTime: Bool,
        minimumRSAKeyBits: Int
    ) {
        self.allowedSignatureAlgorithms = allowedSignatureAlgorithms
        self.allowedDigestAlgorithms = allowedDigestAlgorithms
        self.allowedSignedInfoCanonicalizations = allowedSignedInfoCanonicalizations
        self.allowedTransforms = allowedTransforms
        self.maxDocumentBytes = maxDocumentBytes
        self.maxDepth = maxDepth
        self.maxElements = maxElements
        self.maxAttributesPerElement = maxAttributesPerElement
        self.maxReferences = maxReferences
        self.maxTransformsPerReference = maxTransformsPerReference
        self.requireWholeDocumentReference = requireWholeDocumentReference
        self.requireCertificateValidAtVerificationTime = requireCertificateValidAtVerificationTime
        self.minimumRSAKeyBits = minimumRSAKeyBits
    }

    /// The default for bank messages: SHA-256 everywhere, exclusive C14N, enveloped layout,
    /// limits far above a real payment message (~2–50 KB) and far below anything harmful.
    public static let strict = XMLVerificationPolicy(
        allowedSignatureAlgorithms: [.rsaSHA256, .rsaPSSSHA256, .ecdsaP256SHA256],
        allowedDigestAlgorithms: [.sha256],
        allowedSignedInfoCanonicalizations: [.exclusiveC14N],
        allowedTransforms: [.envelopedSignature, .exclusiveC14N],
        maxDocumentBytes: 4 * 1024 * 1024,
        maxDepth: 64,
        maxElements: 100_000,
        maxAttributesPerElement: 32,
        maxReferences: 8,
        maxTransformsPerReference: 2,
        requireWholeDocumentReference: true,
        requireCertificateValidAtVerificationTime: true,
        minimumRSAKeyBits: 2048
    )
}
