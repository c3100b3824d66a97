/// Why a JWS was refused (or could not be made). Equality and hashing look only at ``code``,
/// so tests and callers can match the kind of failure while ``reason`` names the precise
/// header, algorithm or limit. Reasons never contain key material.
public struct JWSError: Error, Hashable, CustomStringConvertible {
    /// A growable set of failure kinds: add static members, never remove them.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let name: String
        init(_ name: String) { self.name = name }
        public var description: String { name }

        /// Not a well-formed JWS: wrong number of segments, bad base64url, bad JSON, wrong member types.
        public static let malformed = Code("malformed")
        /// A size or nesting limit of the policy was exceeded.
        public static let limitExceeded = Code("limitExceeded")
        /// The protected header names one member twice (RFC 7515 §4: refused, never "last one wins").
        public static let duplicateHeaderMember = Code("duplicateHeaderMember")
        /// `alg` is not on the policy's allow-list, or not an algorithm this library implements.
        public static let algorithmNotAllowed = Code("algorithmNotAllowed")
        /// `alg: none` (an Unsecured JWS) is never accepted.
        public static let noneAlgorithm = Code("noneAlgorithm")
        /// An HMAC `alg`: only public keys are pinned, so a MAC "keyed" with one proves nothing.
        public static let hmacWithPublicKey = Code("hmacWithPublicKey")
        /// The key-naming header does not name a pinned key.
        public static let unknownKeyID = Code("unknownKeyID")
        /// The header embeds or points to a key (`jwk`, `jku`, `x5u`, `x5c`): keys are pinned, never taken from the message.
        public static let embeddedKeyRefused = Code("embeddedKeyRefused")
        /// `crit` lists a header this verifier does not understand.
        public static let unknownCritical = Code("unknownCritical")
        /// A required header, or one that `crit` lists, is absent.
        public static let missingHeader = Code("missingHeader")
        /// `b64` misused (RFC 7797): not a boolean, `false` without "b64" in `crit`, or a payload form that cannot carry it.
        public static let unencodedPayloadMisuse = Code("unencodedPayloadMisuse")
        /// The payload form (base64url or RFC 7797 unencoded) is not the one the profile accepts.
        public static let payloadEncodingNotAllowed = Code("payloadEncodingNotAllowed")
        /// `iat` is further from the verification time than the policy's skew allows.
        public static let clockSkew = Code("clockSkew")
        /// The signature has the wrong shape for the algorithm (e.g. a DER or truncated ES256 signature).
        public static let signatureMalformed = Code("signatureMalformed")
        /// The signature does not verify over the signing input with the selected key.
        public static let signatureInvalid = Code("signatureInvalid")
        /// The key does not fit the algorithm (wrong family, curve, or too weak).
        public static let keyMismatch = Code("keyMismatch")
        /// The header given to a signer contradicts the signer (another `alg`, `b64` against the mode, `crit` naming an absent member).
        public static let headerConflict = Code("headerConflict")
        /// A crypto primitive failed unexpectedly.
        public static let internalFailure = Code("internalFailure")
    }

    public let code: Code
    /// Human-readable detail, safe to log.
    public let reason: String

    public init(_ code: Code, _ reason: String = "") {
        self.code = code
        self.reason = reason
    }

    public var description: String {
        reason.isEmpty ? code.name : "\(code.name): \(reason)"
    }

    public static func == (lhs: JWSError, rhs: JWSError) -> Bool {
        lhs.code == rhs.code
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
    }
}
