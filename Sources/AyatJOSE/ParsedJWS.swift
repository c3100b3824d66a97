/// A compact JWS taken apart and checked against a policy, up to (not including) the key and
/// the signature. Kept separate from ``JWSVerifier`` so the vector tests can check the signing
/// input of the HMAC examples, which the public-key verifier rightly refuses.
struct ParsedJWS {
    let headerSegment: [UInt8]
    let header: JOSEHeader
    let algorithm: JWSAlgorithm
    let payload: [UInt8]
    let unencoded: Bool
    let signingInput: [UInt8]
    let signature: [UInt8]

    /// Header names RFC 7515 §4.1.11 forbids in `crit` (defined by RFC 7515/7518 for JWS).
    static let registeredHeaderNames: Set<String> = [
        "alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit",
    ]

    /// - Parameters:
    ///   - detachedPayload: the out-of-band payload (RFC 7515 Appendix F); nil for an attached one.
    ///   - permitHMAC: only for tests proving the HMAC vectors' signing input.
    static func parse(
        _ token: String, detachedPayload: [UInt8]?, policy: JWSVerificationPolicy, permitHMAC: Bool = false
    ) throws -> ParsedJWS {
        let tokenBytes = Array(token.utf8)
        guard tokenBytes.count <= policy.maxTokenBytes else {
            throw JWSError(.limitExceeded, "token is \(tokenBytes.count) bytes, limit \(policy.maxTokenBytes)")
        }
        let segments = tokenBytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard segments.count == 3 else {
            throw JWSError(.malformed, "compact JWS has \(segments.count) segments, needs 3")
        }
        let headerSegment = Array(segments[0])
        let payloadSegment = segments[1]
        guard !headerSegment.isEmpty else {
            throw JWSError(.malformed, "empty protected header: alg and every other header must be integrity protected")
        }
        let header = try JOSEHeader.parse(try Base64URL.decode(utf8: headerSegment), limits: policy.headerLimits)

        let algorithm = try checkAlgorithm(header, policy: policy, permitHMAC: permitHMAC)
        for name in header.names where policy.refusedHeaders.contains(name) {
            throw JWSError(.embeddedKeyRefused, "header \"\(name)\" supplies a key; keys are pinned, never taken from a message")
        }
        let critical = try checkCritical(header, policy: policy)
        let unencoded = try checkB64(header, critical: critical, policy: policy)
        for name in policy.requiredHeaders.sorted() where header[name] == nil {
            throw JWSError(.missingHeader, "required header \"\(name)\" is absent")
        }

        let payload: [UInt8]
        let signingInput: [UInt8]
        if let detachedPayload {
            guard payloadSegment.isEmpty else {
                throw JWSError(.malformed, "a detached JWS must have an empty payload segment")
            }
            guard detachedPayload.count <= policy.maxPayloadBytes else {
                throw JWSError(.limitExceeded, "payload is \(detachedPayload.count) bytes, limit \(policy.maxPayloadBytes)")
            }
            payload = detachedPayload
            signingInput = JWSSigningInput.make(headerSegment: headerSegment, payload: payload, unencoded: unencoded)
        } else {
            guard !payloadSegment.isEmpty else {
                throw JWSError(.malformed, "empty payload segment: a detached JWS needs its payload supplied")
            }
            payload = unencoded ? Array(payloadSegment) : try Base64URL.decode(utf8: payloadSegment)
            guard payload.count <= policy.maxPayloadBytes else {
                throw JWSError(.limitExceeded, "payload is \(payload.count) bytes, limit \(policy.maxPayloadBytes)")
            }
            signingInput = JWSSigningInput.make(headerSegment: headerSegment, payloadSegment: payloadSegment)
        }

        let signature = try Base64URL.decode(utf8: segments[2])
        guard !signature.isEmpty else {
            throw JWSError(.signatureMalformed, "empty signature")
        }
        return ParsedJWS(
            headerSegment: headerSegment, header: header, algorithm: algorithm, payload: payload,
            unencoded: unencoded, signingInput: signingInput, signature: signature)
    }

    private static func checkAlgorithm(
        _ header: JOSEHeader, policy: JWSVerificationPolicy, permitHMAC: Bool
    ) throws -> JWSAlgorithm {
        guard let value = header["alg"] else {
            throw JWSError(.missingHeader, "header \"alg\" is absent")
        }
        guard let name = value.stringValue else {
            throw JWSError(.malformed, "header \"alg\" is not a string")
        }
        let algorithm = JWSAlgorithm(name: name)
        switch algorithm.family {
        case .none:
            throw JWSError(.noneAlgorithm, "alg \"\(name)\" is an Unsecured JWS")
        case .hmac where !permitHMAC:
            throw JWSError(.hmacWithPublicKey, "alg \"\(name)\" is a MAC; only public keys are pinned, so it proves nothing")
        case .unknown:
            throw JWSError(.algorithmNotAllowed, "alg \"\(name)\" is not implemented")
        default:
            break
        }
        guard policy.allowedAlgorithms.contains(algorithm) else {
            throw JWSError(.algorithmNotAllowed, "alg \"\(name)\" is not allowed by the policy")
        }
        return algorithm
    }

    /// RFC 7515 §4.1.11: a non-empty array of distinct strings, none of them RFC 7515/7518 names,
    /// each present in the header and understood by the policy.
    private static func checkCritical(_ header: JOSEHeader, policy: JWSVerificationPolicy) throws -> Set<String> {
        guard let value = header["crit"] else { return [] }
        guard let elements = value.arrayValue, !elements.isEmpty else {
            throw JWSError(.malformed, "\"crit\" must be a non-empty array")
        }
        var names = Set<String>()
        for element in elements {
            guard let name = element.stringValue else {
                throw JWSError(.malformed, "\"crit\" holds a non-string")
            }
            guard names.insert(name).inserted else {
                throw JWSError(.malformed, "\"crit\" lists \"\(name)\" twice")
            }
            guard !registeredHeaderNames.contains(name) else {
                throw JWSError(.malformed, "\"crit\" lists \"\(name)\", which RFC 7515 forbids there")
            }
            guard policy.understoodCriticalHeaders.contains(name) else {
                throw JWSError(.unknownCritical, "\"crit\" lists \"\(name)\", which this profile does not understand")
            }
            guard header[name] != nil else {
                throw JWSError(.missingHeader, "\"crit\" lists \"\(name)\" but the header does not carry it")
            }
        }
        return names
    }

    /// RFC 7797 §3 and §6: `b64` is a boolean, and `false` only counts when "b64" is critical.
    private static func checkB64(_ header: JOSEHeader, critical: Set<String>, policy: JWSVerificationPolicy) throws -> Bool {
        var unencoded = false
        if let value = header["b64"] {
            guard let encoded = value.boolValue else {
                throw JWSError(.unencodedPayloadMisuse, "\"b64\" is not a boolean")
            }
            unencoded = !encoded
            if unencoded && !critical.contains("b64") {
                throw JWSError(.unencodedPayloadMisuse, "\"b64\": false without \"b64\" in \"crit\" (RFC 7797 §6)")
            }
        }
        if unencoded && !policy.acceptedPayloadEncodings.contains(.unencoded) {
            throw JWSError(.payloadEncodingNotAllowed, "unencoded payload (b64: false), but the profile expects base64url")
        }
        if !unencoded && !policy.acceptedPayloadEncodings.contains(.base64URL) {
            throw JWSError(.payloadEncodingNotAllowed, "base64url payload, but the profile expects b64: false")
        }
        return unencoded
    }
}
