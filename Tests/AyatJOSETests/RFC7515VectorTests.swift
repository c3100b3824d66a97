import Crypto
import Foundation
import Testing
import _CryptoExtras

@testable import AyatJOSE

/// RFC 7515 Appendix A, from ../shared/vectors/jose/rfc7515-appendix-a.json.
@Suite("RFC 7515 Appendix A vectors", .enabled(if: Vectors.available, Vectors.skipMessage))
struct RFC7515VectorTests {
    static let file = "rfc7515-appendix-a.json"

    @Test("A.1 HS256: the signing input is the received segments, and the MAC over it matches; the verifier refuses HMAC")
    func a1HMACSigningInputAndRefusal() throws {
        let vector = try Vectors.example(Self.file, id: "A.1")
        let compact = try #require(vector["compact"] as? String)
        let policy = JWSVerificationPolicy(allowedAlgorithms: [.hs256])
        let parsed = try ParsedJWS.parse(compact, detachedPayload: nil, policy: policy, permitHMAC: true)
        #expect(parsed.signingInput == (vector["signing_input"] as? String)?.bytes)
        #expect(parsed.payload == (vector["payload"] as? String)?.bytes)
        let key = try JWK.symmetric(try #require(vector["jwk"] as? [String: Any]))
        #expect(Array(HMAC<SHA256>.authenticationCode(for: parsed.signingInput, using: key)) == parsed.signature)

        let verifier = JWSVerifier(key: .rsa(TestKeys.rsa.publicKey), keyID: "any")
        #expect(throws: JWSError(.hmacWithPublicKey)) { try verifier.verifyCompact(compact) }
    }

    @Test("A.2 RS256 verifies, and re-signing reproduces the token byte for byte")
    func a2RS256() throws {
        let vector = try Vectors.example(Self.file, id: "A.2")
        let compact = try #require(vector["compact"] as? String)
        let payload = try #require(vector["payload"] as? String).bytes
        let publicKey = try JWK.rsaPublic(try #require(vector["jwk_public"] as? [String: Any]))

        let verified = try JWSVerifier(key: .rsa(publicKey), keyID: "rfc7515-a2").verifyCompact(compact)
        #expect(verified.payload == payload)
        #expect(verified.algorithm == .rs256)
        #expect(verified.protectedHeaderSegment == vector["protected_header_b64u"] as? String)

        let privateKey = try JWK.rsaPrivate(try #require(vector["jwk"] as? [String: Any]))
        let signer = try JWSSigner(key: .rsa(privateKey), algorithm: .rs256)
        #expect(try signer.signCompact(header: JOSEHeader(), payload: payload) == compact)
    }

    @Test("A.3 ES256 verifies (r‖s signature)")
    func a3ES256() throws {
        let vector = try Vectors.example(Self.file, id: "A.3")
        let compact = try #require(vector["compact"] as? String)
        let publicKey = try JWK.p256Public(try #require(vector["jwk_public"] as? [String: Any]))
        let verified = try JWSVerifier(key: .p256(publicKey), keyID: "rfc7515-a3").verifyCompact(compact)
        #expect(verified.payload == (vector["payload"] as? String)?.bytes)
        #expect(verified.algorithm == .es256)
    }

    @Test("A.4 ES512 verifies when a policy allows it, and the strict policy refuses it")
    func a4ES512() throws {
        let vector = try Vectors.example(Self.file, id: "A.4")
        let compact = try #require(vector["compact"] as? String)
        let key = JWSVerificationKey.p521(try JWK.p521Public(try #require(vector["jwk_public"] as? [String: Any])))
        let policy = JWSVerificationPolicy(allowedAlgorithms: [.es512])
        let verified = try JWSVerifier(key: key, keyID: "rfc7515-a4", policy: policy).verifyCompact(compact)
        #expect(verified.payload == "Payload".bytes)

        #expect(throws: JWSError(.algorithmNotAllowed)) {
            try JWSVerifier(key: key, keyID: "rfc7515-a4").verifyCompact(compact)
        }
    }

    @Test("A.5 alg none (Unsecured JWS) is refused")
    func a5None() throws {
        let vector = try Vectors.example(Self.file, id: "A.5")
        let compact = try #require(vector["compact"] as? String)
        let verifier = JWSVerifier(key: .rsa(TestKeys.rsa.publicKey), keyID: "any")
        #expect(throws: JWSError(.noneAlgorithm)) { try verifier.verifyCompact(compact) }
    }
}
