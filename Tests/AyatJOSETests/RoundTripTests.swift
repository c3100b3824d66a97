import Foundation
import Testing

@testable import AyatJOSE

@Suite("Sign and verify round trips")
struct RoundTripTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    static func header(_ identity: TestKeys.Identity) -> JOSEHeader {
        identity.header(["iat": .int(Int64(now.timeIntervalSince1970)), "iss": "BANKA"])
    }

    @Test("compact", arguments: TestKeys.all)
    func compact(identity: TestKeys.Identity) throws {
        let token = try identity.signer().signCompact(header: Self.header(identity), payload: sampleBody)
        let verified = try TestKeys.verifier.verifyCompact(token, at: Self.now)
        #expect(verified.payload == sampleBody)
        #expect(verified.keyID == identity.keyID)
        #expect(verified.algorithm == identity.algorithm)
        #expect(!verified.isUnencodedPayload)
        #expect(verified.header.names == ["alg", "kid", "iat", "iss"])
    }

    @Test("detached (RFC 7515 Appendix F)", arguments: TestKeys.all)
    func detached(identity: TestKeys.Identity) throws {
        let token = try identity.signer().signDetached(header: Self.header(identity), payload: sampleBody, unencodedPayload: false)
        #expect(token.segments.count == 3 && token.segments[1].isEmpty)
        let verified = try TestKeys.verifier.verifyDetached(token, payload: sampleBody, at: Self.now)
        #expect(verified.payload == sampleBody)
        #expect(!verified.isUnencodedPayload)
    }

    @Test("detached with b64:false (RFC 7797)", arguments: TestKeys.all)
    func detachedUnencoded(identity: TestKeys.Identity) throws {
        let token = try identity.signer().signDetached(header: Self.header(identity), payload: sampleBody, unencodedPayload: true)
        let verified = try TestKeys.verifier.verifyDetached(token, payload: sampleBody, at: Self.now)
        #expect(verified.isUnencodedPayload)
        #expect(verified.header["b64"] == .bool(false))
        #expect(verified.header["crit"] == ["b64"])
        #expect(verified.payload == sampleBody)
    }

    @Test("a caller's own crit keeps its entries and gains b64", arguments: TestKeys.all)
    func callerCritical(identity: TestKeys.Identity) throws {
        var policy = JWSVerificationPolicy.strict
        policy.understoodCriticalHeaders = ["b64", "iss", "tan"]
        policy.requiredHeaders = ["iat", "iss", "tan"]
        let header = identity.header([
            "iat": .int(Int64(Self.now.timeIntervalSince1970)), "iss": "BANKA", "tan": "ayat.example", "crit": ["iss", "tan"],
        ])
        let token = try identity.signer().signDetached(header: header, payload: sampleBody, unencodedPayload: true)
        let verified = try JWSVerifier(pinned: TestKeys.pinned, policy: policy).verifyDetached(token, payload: sampleBody, at: Self.now)
        #expect(verified.header["crit"] == ["iss", "tan", "b64"])
    }

    @Test("an empty payload signs and verifies detached")
    func emptyDetachedPayload() throws {
        let identity = TestKeys.es256
        for unencoded in [false, true] {
            let token = try identity.signer().signDetached(header: identity.header(), payload: [], unencodedPayload: unencoded)
            #expect(try TestKeys.verifier.verifyDetached(token, payload: []).payload == [])
        }
    }

    @Test("a key named by another header than kid (e.g. the sending bank's code)")
    func customKeyIDHeader() throws {
        let header = JOSEHeader(["FSPIOP-Source": "BANKA", "FSPIOP-URI": "/transfers"])
        let token = try TestKeys.rs256.signer().signCompact(header: header, payload: sampleBody)
        let verifier = JWSVerifier(pinned: ["BANKA": .rsa(TestKeys.rsa.publicKey)], keyIDHeader: "FSPIOP-Source")
        #expect(try verifier.verifyCompact(token).keyID == "BANKA")
        #expect(throws: JWSError(.unknownKeyID)) {
            try JWSVerifier(pinned: ["BANKB": .rsa(TestKeys.rsa.publicKey)], keyIDHeader: "FSPIOP-Source").verifyCompact(token)
        }
    }

    @Test("ECDSA signatures are r‖s, 64 bytes")
    func es256SignatureShape() throws {
        let token = try TestKeys.es256.signer().signCompact(header: TestKeys.es256.header(), payload: sampleBody)
        #expect(try Base64URL.decode(token.segments[2]).count == 64)
    }
}
