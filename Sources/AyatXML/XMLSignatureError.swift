/// Why a document was refused (or could not be signed). Equality and hashing look only at
/// ``code``, so tests and callers can match the kind of failure while the ``reason`` stays
/// free to name the precise element, algorithm or limit.
public struct XMLSignatureError: Error, Hashable, CustomStringConvertible {
    /// A growable set of failure kinds: add static members, never remove them.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let name: String
        init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The document has a DOCTYPE; DTDs (and so entities) are never processed.
        public static let dtdForbidden = Code("dtdForbidden")
        /// Not well-formed XML, or not the structure XMLDSig requires.
        public static let malformed = Code("malformed")
        /// A size, depth, count or length limit of the policy was exceeded.
        public static let limitExceeded = Code("limitExceeded")
        /// No ds:Signature in the document.
        public static let missingSignature = Code("missingSignature")
        /// More than one ds:Signature in the document.
        public static let multipleSignatures = Code("multipleSignatures")
        /// More than one ds:SignedInfo in the document, or not exactly one in the Signature.
        public static let multipleSignedInfo = Code("multipleSignedInfo")
        /// Two elements carry the same value in Id/ID/id/xml:id attributes.
        public static let duplicateID = Code("duplicateID")
        /// A Reference URI does not resolve to exactly one element of this document.
        public static let referenceNotFound = Code("referenceNotFound")
        /// The signature does not cover the whole document the caller reads (no URI="" reference).
        public static let referenceNotRoot = Code("referenceNotRoot")
        /// A signature, digest or canonicalisation algorithm the policy does not allow.
        public static let algorithmForbidden = Code("algorithmForbidden")
        /// A Reference transform the policy does not allow, or transforms in an unusable order.
        public static let transformForbidden = Code("transformForbidden")
        /// A Reference's digest does not match the referenced content.
        public static let digestMismatch = Code("digestMismatch")
        /// The SignatureValue does not verify over SignedInfo with the selected key.
        public static let signatureInvalid = Code("signatureInvalid")
        /// KeyInfo names a certificate that is not pinned, or no pinned key fits.
        public static let unpinnedCertificate = Code("unpinnedCertificate")
        /// The signer certificate has expired at the verification time.
        public static let certificateExpired = Code("certificateExpired")
        /// The signer certificate is not yet valid at the verification time.
        public static let certificateNotYetValid = Code("certificateNotYetValid")
        /// The signing key does not match the algorithm or the certificate, or is too weak.
        public static let keyMismatch = Code("keyMismatch")
        /// The XML Schema itself could not be compiled.
        public static let schemaMalformed = Code("schemaMalformed")
        /// The document does not satisfy the XML Schema.
        public static let schemaInvalid = Code("schemaInvalid")
        /// libxml2 or a crypto primitive failed unexpectedly.
        public static let internalFailure = Code("internalFailure")
    }

    public let code: Code
    /// Human-readable detail, safe to log (never contains key material).
    public let reason: String

    public init(_ code: Code, _ reason: String = "") {
        self.code = code
        self.reason = reason
    }

    public var description: String {
        reason.isEmpty ? code.name : "\(code.name): \(reason)"
    }

    public static func == (lhs: XMLSignatureError, rhs: XMLSignatureError) -> Bool {
        lhs.code == rhs.code
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
    }
}
