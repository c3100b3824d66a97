import Crypto
import Foundation
import Testing
import _CryptoExtras

@testable import AyatJOSE

/// RFC 7797 (b64: false) from ../shared/vectors/jose/rfc7797-examples.json and cookbook-rfc7797/.
/// The examples are HMAC, so they prove the signing-input construction (and header handling);
/// the public-key path is covered by the round-trip and joserfc interop tests.
@Suite("RFC 7797 unencoded payload vectors", .enabled(if: Vectors.available, Vectors.skipMessage))
struct RFC7797VectorTests {
    static let file = "rfc7797-examples.json"
    static let hmacPolicy = JWSVerificationPolicy(allowedAlgorithms: [.hs256])

    static func key() throws -> SymmetricKey {
        try JWK.symmetric(try #require(try Vectors.json(file)["key"] as? [String: Any]))
    }

    static func mac(_ input: [UInt8]) throws -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: input, using: try key()))
    }

    @Test("§4.1 b64 absent: signing input base64url-encodes the payload")
    func encodedDefault() throws {
        let vector = try Vectors.example(Self.file, id: "RFC7797-4.1")
        let compact = try #require(vector["compact"] as? String)
        let parsed = try ParsedJWS.parse(compact, detachedPayload: nil, policy: Self.hmacPolicy, permitHMAC: true)
        #expect(!parsed.unencoded)
        #expect(parsed.payload == "$.02".bytes)
        #expect(parsed.signingInput == (vector["signing_input"] as? String)?.bytes)
        #expect(try Self.mac(parsed.signingInput) == parsed.signature)
    }

    @Test("§4.2 b64:false: header bytes, signing input ('$.02' raw) and MAC match the RFC")
    func unencodedDetached() throws {
        let vector = try Vectors.example(Self.file, id: "RFC7797-4.2")
        let headerBytes = try #require(vector["protected_header"] as? String).bytes
        let headerSegment = try #require(vector["protected_header_b64u"] as? String)

        // Our header encoder writes the RFC's exact bytes for the same members.
        let header = JOSEHeader(["alg": "HS256", "b64": false, "crit": ["b64"]])
        #expect(header.encoded() == headerBytes)
        #expect(Base64URL.encode(header.encoded()) == headerSegment)

        // The signer's own construction of the signing input.
        let input = JWSSigningInput.make(headerSegment: headerSegment.bytes, payload: "$.02".bytes, unencoded: true)
        #expect(input == (vector["signing_input"] as? String)?.bytes)
        #expect(Base64URL.encode(try Self.mac(input)) == vector["signature_b64u"] as? String)

        // And the verifier's, from the detached compact form with the payload out of band.
        let compact = try #require(vector["compact_detached"] as? String)
        let parsed = try ParsedJWS.parse(compact, detachedPayload: "$.02".bytes, policy: Self.hmacPolicy, permitHMAC: true)
        #expect(parsed.unencoded)
        #expect(parsed.signingInput == input)
        #expect(try Self.mac(parsed.signingInput) == parsed.signature)
    }

    @Test("A signer adds b64:false and crit [\"b64\"] exactly as RFC 7797 §4.2 lays them out")
    func signerHeaderLayout() throws {
        let signer = try JWSSigner(key: .p256(TestKeys.p256), algorithm: .es256)
        let prepared = try signer.preparedHeader(JOSEHeader(), unencodedPayload: true)
        #expect(prepared.encoded() == #"{"alg":"ES256","b64":false,"crit":["b64"]}"#.bytes)
    }

    @Test("cookbook b64:false compact form: raw payload in the middle segment verifies")
    func cookbookCompact() throws {
        let vector = try Vectors.example(Self.file, id: "cookbook-b64false-compact")
        for token in [vector["compact"] as? String, vector["compact_detached"] as? String] {
            let token = try #require(token)
            let detached = token.segments[1].isEmpty ? (vector["payload"] as? String)?.bytes : nil
            let parsed = try ParsedJWS.parse(token, detachedPayload: detached, policy: Self.hmacPolicy, permitHMAC: true)
            #expect(parsed.payload == "This is the payload string!".bytes)
            #expect(parsed.signingInput == (vector["signing_input"] as? String)?.bytes)
            #expect(try Self.mac(parsed.signingInput) == parsed.signature)
        }
    }

    @Test("cookbook file hmac-sha2_b64_false.json: its output.compact (the correct part) checks out")
    func cookbookFileAsCopied() throws {
        let json = try Vectors.json("cookbook-rfc7797/hmac-sha2_b64_false.json")
        let compact = try #require((json["output"] as? [String: Any])?["compact"] as? String)
        let parsed = try ParsedJWS.parse(compact, detachedPayload: nil, policy: Self.hmacPolicy, permitHMAC: true)
        #expect(try Self.mac(parsed.signingInput) == parsed.signature)
    }

    @Test("b64:false without crit is refused even though its MAC is arithmetically right")
    func noCritRefused() throws {
        let vector = try Vectors.example(Self.file, id: "cookbook-b64false-no-crit")
        let compact = try #require(vector["compact_detached"] as? String)
        // The MAC is right for the raw payload...
        let input = JWSSigningInput.make(headerSegment: compact.segments[0].bytes, payload: "$.02".bytes, unencoded: true)
        #expect(Base64URL.encode(try Self.mac(input)) == vector["signature_b64u"] as? String)
        // ...but the header is non-conformant.
        #expect(throws: JWSError(.unencodedPayloadMisuse)) {
            try ParsedJWS.parse(compact, detachedPayload: "$.02".bytes, policy: Self.hmacPolicy, permitHMAC: true)
        }
    }

    @Test("A verifier that does not understand b64 refuses b64:false through crit")
    func b64NotUnderstood() throws {
        let vector = try Vectors.example(Self.file, id: "RFC7797-4.2")
        let compact = try #require(vector["compact_detached"] as? String)
        var policy = Self.hmacPolicy
        policy.understoodCriticalHeaders = []
        #expect(throws: JWSError(.unknownCritical)) {
            try ParsedJWS.parse(compact, detachedPayload: "$.02".bytes, policy: policy, permitHMAC: true)
        }
    }
}
