import Crypto
import Foundation
import Testing
import _CryptoExtras

@testable import AyatJOSE

/// RFC 7520 §4 (ietf-jose/cookbook `jws/`), from ../shared/vectors/jose/cookbook-jws.
@Suite("RFC 7520 cookbook JWS vectors", .enabled(if: Vectors.available, Vectors.skipMessage))
struct CookbookVectorTests {
    struct Cookbook {
        let payload: [UInt8]
        let key: [String: Any]
        let signing: [String: Any]
        let output: [String: Any]

        init(_ file: String) throws {
            let json = try Vectors.json("cookbook-jws/\(file)")
            let input = try #require(json["input"] as? [String: Any])
            payload = try #require(input["payload"] as? String).bytes
            key = try #require(input["key"] as? [String: Any])
            signing = try #require(json["signing"] as? [String: Any])
            output = try #require(json["output"] as? [String: Any])
        }

        var compact: String { get throws { try #require(output["compact"] as? String) } }
        var flattened: [String: Any] { get throws { try #require(output["json_flat"] as? [String: Any]) } }
        var keyID: String { get throws { try #require(key["kid"] as? String) } }
    }

    static let hmacPolicy = JWSVerificationPolicy(allowedAlgorithms: [.hs256])

    @Test("4.1 RS256: re-signing reproduces the compact token byte for byte, and it verifies")
    func rs256() throws {
        let vector = try Cookbook("4_1.rsa_v15_signature.json")
        let signer = try JWSSigner(key: .rsa(try JWK.rsaPrivate(vector.key)), algorithm: .rs256)
        let token = try signer.signCompact(header: JOSEHeader(["kid": .string(try vector.keyID)]), payload: vector.payload)
        #expect(token == (try vector.compact))
        #expect(token.segments[0] == vector.signing["protected_b64u"] as? String)

        let verifier = JWSVerifier(pinned: [try vector.keyID: .rsa(try JWK.rsaPublic(vector.key))])
        let verified = try verifier.verifyCompact(try vector.compact)
        #expect(verified.payload == vector.payload)
        #expect(verified.keyID == (try vector.keyID))
    }

    @Test("4.2 PS384 (salt = hash length) verifies when allowed; strict allows PS256 only")
    func ps384() throws {
        let vector = try Cookbook("4_2.rsa-pss_signature.json")
        let pins: [String: JWSVerificationKey] = [try vector.keyID: .rsa(try JWK.rsaPublic(vector.key))]
        let verified = try JWSVerifier(pinned: pins, policy: JWSVerificationPolicy(allowedAlgorithms: [.ps384]))
            .verifyCompact(try vector.compact)
        #expect(verified.payload == vector.payload)
        #expect(verified.algorithm == .ps384)
        #expect(throws: JWSError(.algorithmNotAllowed)) { try JWSVerifier(pinned: pins).verifyCompact(try vector.compact) }
    }

    @Test("4.3 ES512 (r‖s, 132 bytes) verifies when allowed; strict allows ES256 only")
    func es512() throws {
        let vector = try Cookbook("4_3.ecdsa_signature.json")
        let pins: [String: JWSVerificationKey] = [try vector.keyID: .p521(try JWK.p521Public(vector.key))]
        let verified = try JWSVerifier(pinned: pins, policy: JWSVerificationPolicy(allowedAlgorithms: [.es512]))
            .verifyCompact(try vector.compact)
        #expect(verified.payload == vector.payload)
        #expect(throws: JWSError(.algorithmNotAllowed)) { try JWSVerifier(pinned: pins).verifyCompact(try vector.compact) }
    }

    @Test("4.4 HS256: signing input and MAC match; the public-key verifier refuses it")
    func hs256() throws {
        let vector = try Cookbook("4_4.hmac-sha2_integrity_protection.json")
        let parsed = try ParsedJWS.parse(try vector.compact, detachedPayload: nil, policy: Self.hmacPolicy, permitHMAC: true)
        #expect(parsed.signingInput == (vector.signing["sig-input"] as? String)?.bytes)
        #expect(Array(HMAC<SHA256>.authenticationCode(for: parsed.signingInput, using: try JWK.symmetric(vector.key))) == parsed.signature)
        #expect(throws: JWSError(.hmacWithPublicKey)) { try TestKeys.verifier.verifyCompact(try vector.compact) }
    }

    @Test("4.5 detached content: the out-of-band payload gives the vector's signing input and MAC")
    func detachedContent() throws {
        let vector = try Cookbook("4_5.signature_with_detached_content.json")
        let compact = try vector.compact
        #expect(compact.segments[1].isEmpty)
        let parsed = try ParsedJWS.parse(compact, detachedPayload: vector.payload, policy: Self.hmacPolicy, permitHMAC: true)
        #expect(parsed.signingInput == (vector.signing["sig-input"] as? String)?.bytes)
        #expect(Array(HMAC<SHA256>.authenticationCode(for: parsed.signingInput, using: try JWK.symmetric(vector.key))) == parsed.signature)
        #expect(throws: JWSError(.hmacWithPublicKey)) { try TestKeys.verifier.verifyDetached(compact, payload: vector.payload) }
        // A detached token is not a compact token with an empty payload.
        #expect(throws: JWSError(.malformed)) {
            try ParsedJWS.parse(compact, detachedPayload: nil, policy: Self.hmacPolicy, permitHMAC: true)
        }
    }

    @Test("4.6 protected alg with unprotected kid: the protected part alone gives the signing input")
    func protectingSpecificHeaderFields() throws {
        // JSON serialization only; the unprotected `kid` has no place in a compact token, which is
        // why compact verification must find everything it trusts in the protected header.
        let vector = try Cookbook("4_6.protecting_specific_header_fields.json")
        let flat = try vector.flattened
        let compact = "\(flat["protected"] as? String ?? "").\(flat["payload"] as? String ?? "").\(flat["signature"] as? String ?? "")"
        let parsed = try ParsedJWS.parse(compact, detachedPayload: nil, policy: Self.hmacPolicy, permitHMAC: true)
        #expect(parsed.signingInput == (vector.signing["sig-input"] as? String)?.bytes)
        #expect(parsed.header.keyID == nil)
        #expect(Array(HMAC<SHA256>.authenticationCode(for: parsed.signingInput, using: try JWK.symmetric(vector.key))) == parsed.signature)
    }

    @Test("4.7 no protected header at all is refused: alg must be integrity protected")
    func protectingContentOnly() throws {
        let vector = try Cookbook("4_7.protecting_content_only.json")
        let flat = try vector.flattened
        let compact = ".\(flat["payload"] as? String ?? "").\(flat["signature"] as? String ?? "")"
        #expect(throws: JWSError(.malformed)) {
            try ParsedJWS.parse(compact, detachedPayload: nil, policy: Self.hmacPolicy, permitHMAC: true)
        }
    }

    @Test("4.8 multiple signatures: the RS256 member, taken as a compact token, verifies")
    func multipleSignaturesRS256Member() throws {
        let json = try Vectors.json("cookbook-jws/4_8.multiple_signatures.json")
        let input = try #require(json["input"] as? [String: Any])
        let keys = try #require(input["key"] as? [[String: Any]] ?? (input["keys"] as? [[String: Any]]))
        let rsaJWK = try #require(keys.first { $0["kty"] as? String == "RSA" })
        let general = try #require((json["output"] as? [String: Any])?["json"] as? [String: Any])
        let payload = try #require(general["payload"] as? String)
        let first = try #require((general["signatures"] as? [[String: Any]])?.first)
        let compact = "\(first["protected"] as? String ?? "").\(payload).\(first["signature"] as? String ?? "")"
        let verified = try JWSVerifier(key: .rsa(try JWK.rsaPublic(rsaJWK)), keyID: "bilbo").verifyCompact(compact)
        #expect(verified.algorithm == .rs256)
    }
}
