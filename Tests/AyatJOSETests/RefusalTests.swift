import Crypto
import Foundation
import Testing
import _CryptoExtras

@testable import AyatJOSE

/// The attack suite: each forged or damaged token is refused with its precise reason.
@Suite("Refusals")
struct RefusalTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)
    let verifier = TestKeys.verifier

    /// A genuine token to damage; control checks below show it verifies untouched.
    static func genuine(_ identity: TestKeys.Identity = TestKeys.es256) throws -> String {
        try identity.signer().signCompact(header: identity.header(), payload: sampleBody)
    }

    @Test("control: the undamaged tokens verify")
    func control() throws {
        for identity in TestKeys.all {
            _ = try verifier.verifyCompact(try Self.genuine(identity))
        }
    }

    // MARK: algorithm

    @Test("alg none, in any spelling", arguments: ["none", "None", "NONE"])
    func algNone(spelling: String) throws {
        let header = Base64URL.encode(#"{"alg":"\#(spelling)","kid":"bank-a-ec"}"#.bytes)
        let token = header + "." + Base64URL.encode(sampleBody) + "."
        let error = #expect(throws: JWSError.self) { try verifier.verifyCompact(token) }
        #expect(error?.code == (spelling == "none" ? .noneAlgorithm : .algorithmNotAllowed))
        // Even with a signature segment present.
        #expect(throws: (any Error).self) { try verifier.verifyCompact(token + "AAAA") }
    }

    @Test("HS256 keyed with the bank's public key")
    func hmacWithPublicKey() throws {
        for publicKey in [TestKeys.rsa.publicKey.pemRepresentation, TestKeys.p256.publicKey.pemRepresentation] {
            let headerSegment = Base64URL.encode(#"{"alg":"HS256","kid":"bank-a-rsa"}"#.bytes)
            let payloadSegment = Base64URL.encode(sampleBody)
            let mac = HMAC<SHA256>.authenticationCode(
                for: (headerSegment + "." + payloadSegment).bytes, using: SymmetricKey(data: publicKey.bytes))
            let token = headerSegment + "." + payloadSegment + "." + Base64URL.encode(Array(mac))
            #expect(throws: JWSError(.hmacWithPublicKey)) { try verifier.verifyCompact(token) }
            // Allowing HS256 in a policy does not change that: the keys are public.
            let lax = JWSVerifier(pinned: TestKeys.pinned, policy: JWSVerificationPolicy(allowedAlgorithms: [.hs256]))
            #expect(throws: JWSError(.hmacWithPublicKey)) { try lax.verifyCompact(token) }
        }
    }

    @Test("an algorithm outside the allow-list")
    func algorithmNotAllowed() throws {
        let token = try Forge.compact(headerJSON: #"{"alg":"PS384","kid":"bank-a-rsa"}"#, algorithm: .ps384, key: .rsa(TestKeys.rsa))
        #expect(throws: JWSError(.algorithmNotAllowed)) { try verifier.verifyCompact(token) }
        var onlyES256 = JWSVerificationPolicy.strict
        onlyES256.allowedAlgorithms = [.es256]
        #expect(throws: JWSError(.algorithmNotAllowed)) {
            try JWSVerifier(pinned: TestKeys.pinned, policy: onlyES256).verifyCompact(try Self.genuine(TestKeys.rs256))
        }
    }

    @Test("alg missing or not a string")
    func algMissing() throws {
        #expect(throws: JWSError(.missingHeader)) { try verifier.verifyCompact(try Forge.compact(headerJSON: #"{"kid":"bank-a-ec"}"#)) }
        #expect(throws: JWSError(.malformed)) {
            try verifier.verifyCompact(try Forge.compact(headerJSON: #"{"alg":["ES256"],"kid":"bank-a-ec"}"#))
        }
    }

    @Test("an ES256 token whose kid names an RSA pin")
    func keyMismatch() throws {
        let token = try Forge.compact(headerJSON: #"{"alg":"ES256","kid":"bank-a-rsa"}"#)
        #expect(throws: JWSError(.keyMismatch)) { try verifier.verifyCompact(token) }
    }

    @Test("a PS256 signature relabelled RS256")
    func paddingConfusion() throws {
        let token = try Forge.compact(headerJSON: #"{"alg":"RS256","kid":"bank-a-rsa"}"#, algorithm: .ps256, key: .rsa(TestKeys.rsa))
        #expect(throws: JWSError(.signatureInvalid)) { try verifier.verifyCompact(token) }
    }

    // MARK: keys

    @Test("an unknown kid, and a missing one")
    func unknownKeyID() throws {
        let token = try Forge.compact(headerJSON: #"{"alg":"ES256","kid":"attacker"}"#)
        #expect(throws: JWSError(.unknownKeyID)) { try verifier.verifyCompact(token) }
        #expect(throws: JWSError(.missingHeader)) { try verifier.verifyCompact(try Forge.compact(headerJSON: #"{"alg":"ES256"}"#)) }
        #expect(throws: JWSError(.malformed)) { try verifier.verifyCompact(try Forge.compact(headerJSON: #"{"alg":"ES256","kid":7}"#)) }
    }

    @Test("a kid switched to another pinned key")
    func kidSwitched() throws {
        // Signed by bank A's key but naming bank B's pin.
        let token = try Forge.compact(headerJSON: #"{"alg":"ES256","kid":"bank-b-ec"}"#)
        #expect(throws: JWSError(.signatureInvalid)) { try verifier.verifyCompact(token) }
        // A single-key verifier still refuses a kid that names someone else.
        let single = JWSVerifier(key: .p256(TestKeys.p256.publicKey), keyID: "bank-a-ec")
        #expect(throws: JWSError(.unknownKeyID)) { try single.verifyCompact(token) }
    }

    @Test("embedded or referenced keys", arguments: ["jwk", "jku", "x5u", "x5c"])
    func embeddedKey(name: String) throws {
        // The attacker's own key, embedded, with a signature that verifies under it.
        let attacker = P256.Signing.PrivateKey()
        let raw = Array(attacker.publicKey.rawRepresentation)
        let value: String
        switch name {
        case "jwk":
            value = #"{"kty":"EC","crv":"P-256","x":"\#(Base64URL.encode(raw[0..<32]))","y":"\#(Base64URL.encode(raw[32...]))"}"#
        case "x5c": value = #"["MIIB"]"#
        default: value = #""https://attacker.example/keys""#
        }
        let token = try Forge.compact(headerJSON: #"{"alg":"ES256","kid":"bank-a-ec","\#(name)":\#(value)}"#, key: .p256(attacker))
        #expect(throws: JWSError(.embeddedKeyRefused)) { try verifier.verifyCompact(token) }
    }

    // MARK: crit and b64

    @Test("an unknown crit entry")
    func unknownCritical() throws {
        let token = try Forge.compact(headerJSON: #"{"alg":"ES256","kid":"bank-a-ec","exp":1,"crit":["exp"]}"#)
        #expect(throws: JWSError(.unknownCritical)) { try verifier.verifyCompact(token) }
    }

    @Test("crit listing a header that is absent")
    func criticalAbsent() throws {
        var policy = JWSVerificationPolicy.strict
        policy.understoodCriticalHeaders = ["b64", "tan"]
        let token = try Forge.compact(headerJSON: #"{"alg":"ES256","kid":"bank-a-ec","crit":["tan"]}"#)
        #expect(throws: JWSError(.missingHeader)) { try JWSVerifier(pinned: TestKeys.pinned, policy: policy).verifyCompact(token) }
    }

    @Test("malformed crit", arguments: [#""b64""#, "[]", "[1]", #"["b64","b64"]"#, #"["alg"]"#])
    func malformedCritical(crit: String) throws {
        let token = try Forge.compact(headerJSON: #"{"alg":"ES256","kid":"bank-a-ec","b64":true,"crit":\#(crit)}"#)
        #expect(throws: JWSError(.malformed)) { try verifier.verifyCompact(token) }
    }

    @Test("b64:false without crit, and a non-boolean b64")
    func b64Misuse() throws {
        let noCrit = try Forge.detached(headerJSON: #"{"alg":"ES256","kid":"bank-a-ec","b64":false}"#, unencoded: true)
        #expect(throws: JWSError(.unencodedPayloadMisuse)) { try verifier.verifyDetached(noCrit, payload: sampleBody) }
        let notBool = try Forge.detached(
            headerJSON: #"{"alg":"ES256","kid":"bank-a-ec","b64":"false","crit":["b64"]}"#, unencoded: true)
        #expect(throws: JWSError(.unencodedPayloadMisuse)) { try verifier.verifyDetached(notBool, payload: sampleBody) }
    }

    @Test("b64 against the profile: unencoded where base64url is expected, and the reverse")
    func payloadEncodingMismatch() throws {
        let identity = TestKeys.ps256
        let unencoded = try identity.signer().signDetached(header: identity.header(), payload: sampleBody, unencodedPayload: true)
        let encoded = try identity.signer().signDetached(header: identity.header(), payload: sampleBody, unencodedPayload: false)
        var policy = JWSVerificationPolicy.strict
        policy.acceptedPayloadEncodings = .base64URL
        #expect(throws: JWSError(.payloadEncodingNotAllowed)) {
            try JWSVerifier(pinned: TestKeys.pinned, policy: policy).verifyDetached(unencoded, payload: sampleBody)
        }
        policy.acceptedPayloadEncodings = .unencoded
        #expect(throws: JWSError(.payloadEncodingNotAllowed)) {
            try JWSVerifier(pinned: TestKeys.pinned, policy: policy).verifyDetached(encoded, payload: sampleBody)
        }
        // Flipping b64 in the header changes the signed bytes.
        let flipped = Base64URL.encode(
            try Base64URL.decode(unencoded.segments[0]).string.replacingOccurrences(of: #""b64":false"#, with: #""b64":true"#).bytes)
        #expect(throws: JWSError(.signatureInvalid)) {
            try verifier.verifyDetached(flipped + ".." + unencoded.segments[2], payload: sampleBody)
        }
    }

    // MARK: iat

    @Test("iat outside the allowed skew, either way", arguments: [-301.0, 301.0, -86_400.0 * 365, 86_400.0 * 365])
    func clockSkew(offset: Double) throws {
        let identity = TestKeys.es256
        let iat = Int64(Self.now.timeIntervalSince1970 + offset)
        let token = try identity.signer().signCompact(header: identity.header(["iat": .int(iat)]), payload: sampleBody)
        #expect(throws: JWSError(.clockSkew)) { try verifier.verifyCompact(token, at: Self.now) }
    }

    @Test("iat inside the skew verifies; a non-numeric iat does not; a required iat must be there")
    func issuedAtRules() throws {
        let identity = TestKeys.es256
        for offset in [-300.0, 0, 299.5] {
            let token = try identity.signer().signCompact(
                header: identity.header(["iat": .number(Self.now.timeIntervalSince1970 + offset)]), payload: sampleBody)
            _ = try verifier.verifyCompact(token, at: Self.now)
        }
        let text = try identity.signer().signCompact(header: identity.header(["iat": "1790000000"]), payload: sampleBody)
        #expect(throws: JWSError(.malformed)) { try verifier.verifyCompact(text, at: Self.now) }

        var policy = JWSVerificationPolicy.strict
        policy.requiredHeaders = ["kid", "iat"]
        #expect(throws: JWSError(.missingHeader)) {
            try JWSVerifier(pinned: TestKeys.pinned, policy: policy).verifyCompact(try Self.genuine(), at: Self.now)
        }
    }

    // MARK: tampering

    @Test("a changed payload byte (compact)", arguments: TestKeys.all)
    func changedPayloadCompact(identity: TestKeys.Identity) throws {
        var tampered = sampleBody
        tampered[tampered.firstIndex(of: UInt8(ascii: "1"))!] = UInt8(ascii: "9")  // 15000.00 → 95000.00
        let token = try Self.genuine(identity)
        let forged = token.segments[0] + "." + Base64URL.encode(tampered) + "." + token.segments[2]
        #expect(throws: JWSError(.signatureInvalid)) { try verifier.verifyCompact(forged) }
    }

    @Test("a changed body after detached signing: one byte, whitespace, member order", arguments: [false, true])
    func changedPayloadDetached(unencoded: Bool) throws {
        let identity = TestKeys.ps256
        let token = try identity.signer().signDetached(header: identity.header(), payload: sampleBody, unencodedPayload: unencoded)
        _ = try verifier.verifyDetached(token, payload: sampleBody)
        let body = sampleBody.string
        let variants = [
            body.replacingOccurrences(of: "15000.00", with: "15000.01"),
            body.replacingOccurrences(of: ", ", with: ","),
            body + "\n",
            #"{"amount":"15000.00", "orderId":"ORD-2026/0001", "memo":"café – déjà vu"}"#,
        ]
        for variant in variants {
            #expect(throws: JWSError(.signatureInvalid)) { try verifier.verifyDetached(token, payload: variant.bytes) }
        }
    }

    @Test("a changed header", arguments: TestKeys.all)
    func changedHeader(identity: TestKeys.Identity) throws {
        let token = try identity.signer().signCompact(header: identity.header(["iss": "BANKA"]), payload: sampleBody)
        let header = try Base64URL.decode(token.segments[0]).string.replacingOccurrences(of: "BANKA", with: "BANKB")
        let forged = Base64URL.encode(header.bytes) + "." + token.segments[1] + "." + token.segments[2]
        #expect(throws: JWSError(.signatureInvalid)) { try verifier.verifyCompact(forged) }
    }

    @Test("a changed signature bit", arguments: TestKeys.all)
    func changedSignature(identity: TestKeys.Identity) throws {
        let token = try Self.genuine(identity)
        var signature = try Base64URL.decode(token.segments[2])
        signature[signature.count / 2] ^= 0x01
        let forged = token.segments[0] + "." + token.segments[1] + "." + Base64URL.encode(signature)
        #expect(throws: JWSError(.signatureInvalid)) { try verifier.verifyCompact(forged) }
    }

    @Test("a truncated, extended or DER-encoded ES256 signature")
    func ecdsaSignatureShape() throws {
        let token = try Self.genuine(TestKeys.es256)
        let raw = try Base64URL.decode(token.segments[2])
        let der = Array(try P256.Signing.ECDSASignature(rawRepresentation: raw).derRepresentation)
        let prefix = token.segments[0] + "." + token.segments[1] + "."
        for signature in [Array(raw.dropLast()), raw + [0], der, Array(raw.prefix(32))] {
            #expect(throws: JWSError(.signatureMalformed)) { try verifier.verifyCompact(prefix + Base64URL.encode(signature)) }
        }
        #expect(throws: JWSError(.signatureMalformed)) { try verifier.verifyCompact(prefix) }
    }

    @Test("a truncated RSA signature")
    func rsaSignatureShape() throws {
        let token = try Self.genuine(TestKeys.rs256)
        let raw = try Base64URL.decode(token.segments[2])
        let forged = token.segments[0] + "." + token.segments[1] + "." + Base64URL.encode(raw.dropLast())
        #expect(throws: JWSError(.signatureMalformed)) { try verifier.verifyCompact(forged) }
    }

    // MARK: structure

    @Test("duplicate header member names, at the top and nested")
    func duplicateMembers() throws {
        for json in [
            #"{"alg":"ES256","kid":"bank-a-ec","kid":"bank-b-ec"}"#,
            #"{"alg":"ES256","alg":"none","kid":"bank-a-ec"}"#,
            #"{"alg":"ES256","kid":"bank-a-ec","ext":{"a":1,"a":2}}"#,
            #"{"alg":"ES256","kid":"bank-a-ec","k\u0069d":"bank-b-ec"}"#,
        ] {
            #expect(throws: JWSError(.duplicateHeaderMember)) { try verifier.verifyCompact(try Forge.compact(headerJSON: json)) }
        }
    }

    @Test("non-base64url characters in any segment", arguments: ["+", "/", "=", " ", "\n", "%", "é"])
    func nonBase64URL(character: String) throws {
        let token = try Self.genuine()
        let parts = token.segments
        for index in 0..<3 {
            var damaged = parts
            damaged[index] += character
            #expect(throws: JWSError(.malformed)) { try verifier.verifyCompact(damaged.joined(separator: ".")) }
        }
    }

    @Test("non-canonical base64url (non-zero trailing bits) in the signature")
    func nonCanonicalBase64() throws {
        let token = try Self.genuine()
        // 64 bytes encode to 86 characters whose last carries 2 unused bits; setting one re-spells the same bytes.
        var signature = Array(token.segments[2].utf8)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        let last = alphabet.firstIndex(of: signature[signature.count - 1])!
        signature[signature.count - 1] = alphabet[last | 1 == last ? last ^ 2 : last | 1]
        let forged = token.segments[0] + "." + token.segments[1] + "." + String(decoding: signature, as: UTF8.self)
        #expect(throws: JWSError(.malformed)) { try verifier.verifyCompact(forged) }
    }

    @Test("wrong segment counts and misplaced forms")
    func structure() throws {
        let token = try Self.genuine()
        let parts = token.segments
        #expect(throws: JWSError(.malformed)) { try verifier.verifyCompact(parts[0] + "." + parts[1]) }
        #expect(throws: JWSError(.malformed)) { try verifier.verifyCompact(token + "." + parts[2]) }
        #expect(throws: JWSError(.malformed)) { try verifier.verifyCompact("") }
        // A detached token is not a compact token with an empty payload, and vice versa.
        #expect(throws: JWSError(.malformed)) { try verifier.verifyCompact(parts[0] + ".." + parts[2]) }
        #expect(throws: JWSError(.malformed)) { try verifier.verifyDetached(token, payload: sampleBody) }
        // A header that is not a JSON object, or not JSON.
        for json in ["[]", #""ES256""#, #"{"alg":"ES256","kid":"bank-a-ec"} x"#, #"{"alg":"ES256",}"#, "{'alg':'ES256'}"] {
            #expect(throws: JWSError(.malformed)) { try verifier.verifyCompact(try Forge.compact(headerJSON: json)) }
        }
    }

    @Test("size limits: token, payload, header nesting")
    func limits() throws {
        var policy = JWSVerificationPolicy.strict
        policy.maxTokenBytes = 200
        let token = try Self.genuine()
        #expect(throws: JWSError(.limitExceeded)) { try JWSVerifier(pinned: TestKeys.pinned, policy: policy).verifyCompact(token) }

        policy = .strict
        policy.maxPayloadBytes = sampleBody.count - 1
        let detached = try TestKeys.es256.signer().signDetached(header: TestKeys.es256.header(), payload: sampleBody, unencodedPayload: false)
        #expect(throws: JWSError(.limitExceeded)) {
            try JWSVerifier(pinned: TestKeys.pinned, policy: policy).verifyDetached(detached, payload: sampleBody)
        }
        #expect(throws: JWSError(.limitExceeded)) { try JWSVerifier(pinned: TestKeys.pinned, policy: policy).verifyCompact(token) }

        let deep = String(repeating: "[", count: 20) + String(repeating: "]", count: 20)
        #expect(throws: JWSError(.limitExceeded)) {
            try verifier.verifyCompact(try Forge.compact(headerJSON: #"{"alg":"ES256","kid":"bank-a-ec","x":\#(deep)}"#))
        }
        let big = String(repeating: "a", count: 9000)
        #expect(throws: JWSError(.limitExceeded)) {
            try verifier.verifyCompact(try Forge.compact(headerJSON: #"{"alg":"ES256","kid":"bank-a-ec","x":"\#(big)"}"#))
        }
    }

    @Test("a weak RSA pin is refused even when the signature is right")
    func weakRSAKey() throws {
        var policy = JWSVerificationPolicy.strict
        policy.minimumRSAKeyBits = 3072
        #expect(throws: JWSError(.keyMismatch)) {
            try JWSVerifier(pinned: TestKeys.pinned, policy: policy).verifyCompact(try Self.genuine(TestKeys.rs256))
        }
    }
}

extension Array where Element == UInt8 {
    var string: String { String(decoding: self, as: UTF8.self) }
}
