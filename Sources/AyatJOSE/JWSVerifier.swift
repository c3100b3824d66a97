import Foundation

/// Verifies compact and detached JWS against pinned public keys under one policy.
///
/// Keys come only from the pins: `jwk`, `jku`, `x5u` and `x5c` in a message are refused (see
/// ``JWSVerificationPolicy/refusedHeaders``), so a message can never bring its own key.
public struct JWSVerifier: Sendable {
    private let pinned: [String: JWSVerificationKey]
    private let keyIDHeader: String
    /// Set for a single-key verifier: the pin used when the token names no key.
    private let defaultKeyID: String?
    public let policy: JWSVerificationPolicy

    /// Keys pinned by the value of `keyIDHeader` (normally `kid`); a token must name one of them.
    /// Another header can name the key for dialects that identify the signer differently
    /// (e.g. the sending bank's code).
    public init(pinned: [String: JWSVerificationKey], keyIDHeader: String = "kid", policy: JWSVerificationPolicy = .strict) {
        self.pinned = pinned
        self.keyIDHeader = keyIDHeader
        self.defaultKeyID = nil
        self.policy = policy
    }

    /// One pinned key for a peer whose tokens may omit `kid`. A token that does name a key must
    /// name this one (`keyID`), so a switched `kid` is still refused.
    public init(key: JWSVerificationKey, keyID: String, policy: JWSVerificationPolicy = .strict) {
        self.pinned = [keyID: key]
        self.keyIDHeader = "kid"
        self.defaultKeyID = keyID
        self.policy = policy
    }

    /// Verifies `header.payload.signature`; the payload is decoded (or, with `b64: false`, taken as is).
    public func verifyCompact(_ token: String, at time: Date = Date()) throws -> VerifiedJWS {
        try verify(try ParsedJWS.parse(token, detachedPayload: nil, policy: policy), at: time)
    }

    /// Verifies `header..signature` over `payload` supplied out of band (RFC 7515 Appendix F);
    /// `b64: false` in the protected header selects the RFC 7797 signing input.
    public func verifyDetached(_ token: String, payload: [UInt8], at time: Date = Date()) throws -> VerifiedJWS {
        try verify(try ParsedJWS.parse(token, detachedPayload: payload, policy: policy), at: time)
    }

    private func verify(_ parsed: ParsedJWS, at time: Date) throws -> VerifiedJWS {
        let keyID = try selectKeyID(parsed.header)
        guard let key = pinned[keyID] else {
            throw JWSError(.unknownKeyID, "\(keyIDHeader) \"\(keyID)\" names no pinned key")
        }
        if let mismatch = key.mismatch(parsed.algorithm, minimumRSAKeyBits: policy.minimumRSAKeyBits) {
            throw JWSError(.keyMismatch, "pinned key \"\(keyID)\": \(mismatch)")
        }
        try key.verify(parsed.signature, over: parsed.signingInput, algorithm: parsed.algorithm)
        try checkIssuedAt(parsed.header, at: time)
        return VerifiedJWS(
            header: parsed.header, payload: parsed.payload, keyID: keyID, algorithm: parsed.algorithm,
            isUnencodedPayload: parsed.unencoded,
            protectedHeaderSegment: String(decoding: parsed.headerSegment, as: UTF8.self))
    }

    private func selectKeyID(_ header: JOSEHeader) throws -> String {
        guard let value = header[keyIDHeader] else {
            if let defaultKeyID { return defaultKeyID }
            throw JWSError(.missingHeader, "header \"\(keyIDHeader)\" is absent; it must name a pinned key")
        }
        guard let name = value.stringValue else {
            throw JWSError(.malformed, "header \"\(keyIDHeader)\" is not a string")
        }
        return name
    }

    /// Checked after the signature, so a clock-skew refusal is about an authentic message.
    private func checkIssuedAt(_ header: JOSEHeader, at time: Date) throws {
        guard let value = header[policy.issuedAtHeader] else { return }
        guard let issuedAt = value.doubleValue else {
            throw JWSError(.malformed, "header \"\(policy.issuedAtHeader)\" is not a NumericDate")
        }
        let skew = time.timeIntervalSince1970 - issuedAt
        guard abs(skew) <= policy.maxClockSkew else {
            throw JWSError(
                .clockSkew,
                "\"\(policy.issuedAtHeader)\" is \(Int(abs(skew))) s \(skew > 0 ? "in the past" : "in the future"), more than the allowed \(Int(policy.maxClockSkew)) s")
        }
    }
}
