import Foundation

/// Every rule and limit a verifier applies, in one value per profile, so what a bank's
/// profile accepts is visible in one place and testable.
public struct JWSVerificationPolicy: Sendable {
    /// `alg` values accepted. `none` and HMAC algorithms are refused whatever this says.
    public var allowedAlgorithms: Set<JWSAlgorithm>
    /// Header names this profile processes and so may appear in `crit` (RFC 7515 §4.1.11).
    /// "b64" is handled here per RFC 7797; other names are the caller's to check after verification.
    public var understoodCriticalHeaders: Set<String>
    /// Headers that must be present in the protected header (e.g. `iat`, `iss`).
    public var requiredHeaders: Set<String>
    /// Headers that embed or point to a key; their presence refuses the JWS, because the key is
    /// pinned and a message must never supply its own.
    public var refusedHeaders: Set<String>
    /// Payload forms accepted: base64url (RFC 7515) and/or unencoded (RFC 7797 `b64: false`).
    public var acceptedPayloadEncodings: JWSPayloadEncodings
    /// The NumericDate header checked against ``maxClockSkew`` when present (or required).
    public var issuedAtHeader: String
    /// How far the issued-at time may be from the verification time, either way.
    public var maxClockSkew: TimeInterval
    /// Bytes of the serialized token (for a detached token: header and signature only).
    public var maxTokenBytes: Int
    /// Bytes of the payload, attached or supplied separately.
    public var maxPayloadBytes: Int
    /// Bounds for parsing the decoded protected header.
    public var headerLimits: JOSEHeader.ParseLimits
    /// RSA keys below this size are refused even if pinned.
    public var minimumRSAKeyBits: Int

    public init(
        allowedAlgorithms: Set<JWSAlgorithm> = [.rs256, .ps256, .es256],
        understoodCriticalHeaders: Set<String> = ["b64"],
        requiredHeaders: Set<String> = [],
        refusedHeaders: Set<String> = ["jwk", "jku", "x5u", "x5c"],
        acceptedPayloadEncodings: JWSPayloadEncodings = [.base64URL, .unencoded],
        issuedAtHeader: String = "iat",
        maxClockSkew: TimeInterval = 300,
        maxTokenBytes: Int = 1 << 20,
        maxPayloadBytes: Int = 1 << 20,
        headerLimits: JOSEHeader.ParseLimits = .init(),
        minimumRSAKeyBits: Int = 2048
    ) {
        self.allowedAlgorithms = allowedAlgorithms
        self.understoodCriticalHeaders = understoodCriticalHeaders
        self.requiredHeaders = requiredHeaders
        self.refusedHeaders = refusedHeaders
        self.acceptedPayloadEncodings = acceptedPayloadEncodings
        self.issuedAtHeader = issuedAtHeader
        self.maxClockSkew = maxClockSkew
        self.maxTokenBytes = maxTokenBytes
        self.maxPayloadBytes = maxPayloadBytes
        self.headerLimits = headerLimits
        self.minimumRSAKeyBits = minimumRSAKeyBits
    }

    /// RS256, PS256, ES256; only "b64" understood in `crit`; embedded keys refused; `iat`, when
    /// present, within 5 minutes; 1 MiB tokens and payloads; 8 KiB headers; RSA ≥ 2048 bits.
    public static let strict = JWSVerificationPolicy()
}

/// The payload forms a profile accepts.
public struct JWSPayloadEncodings: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// BASE64URL(payload) in the signing input (RFC 7515; `b64` absent or true).
    public static let base64URL = JWSPayloadEncodings(rawValue: 1)
    /// The payload bytes themselves in the signing input (RFC 7797 `b64: false`).
    public static let unencoded = JWSPayloadEncodings(rawValue: 2)
}
