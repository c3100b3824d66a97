/// What a successful verification vouches for. Only returned after every policy check and the
/// signature passed, so holding one means the header and payload are authentic.
public struct VerifiedJWS: Sendable {
    /// The protected header as received (parsed; order preserved).
    public let header: JOSEHeader
    /// The payload the signature covers (decoded, or the detached bytes supplied).
    public let payload: [UInt8]
    /// The pin the signature verified against.
    public let keyID: String
    public let algorithm: JWSAlgorithm
    /// True when the header had `b64: false` (RFC 7797).
    public let isUnencodedPayload: Bool
    /// The protected header segment exactly as received, for audit records.
    public let protectedHeaderSegment: String
}
