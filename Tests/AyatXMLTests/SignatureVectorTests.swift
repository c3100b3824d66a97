import AyatXML
import Crypto
import Testing
import X509
import _CryptoExtras

/// Published XMLDSig vectors (see ../shared/vectors/xmldsig/PROVENANCE.md), behaving as recorded there.
@Suite("Published signature vectors", .enabled(if: Vectors.available, "vectors folder absent: ../shared/vectors/xmldsig"))
struct SignatureVectorTests {
    static func rsaKey(_ path: String) throws -> XMLVerificationKey {
        .rsa(try _RSA.Signing.PublicKey(unsafePEMRepresentation: try Vectors.text(path)))
    }

    static func p256Key(_ path: String) throws -> XMLVerificationKey {
        .p256(try P256.Signing.PublicKey(pemRepresentation: try Vectors.text(path)))
    }

    /// For enveloping vectors: inclusive C14N, no URI="" reference, 1024-bit RSA, SHA-384/512.
    static var legacyInterop: XMLVerificationPolicy {
        var policy = XMLVerificationPolicy.strict
        policy.allowedSignedInfoCanonicalizations = [.exclusiveC14N, .inclusiveC14N]
        policy.allowedTransforms = [.envelopedSignature, .exclusiveC14N, .inclusiveC14N]
        policy.allowedDigestAlgorithms = [.sha256, .sha384, .sha512]
        policy.requireWholeDocumentReference = false
        policy.minimumRSAKeyBits = 1024
        return policy
    }

    @Test func microsoftExclusiveRSA() throws {
        let verifier = XMLPublicKeyVerifier(pinnedKeys: [try Self.rsaKey("xmldsig11-interop-microsoft/rsa2048-pubkey.pem")])
        let content = try verifier.verify(try Vectors.bytes("xmldsig11-interop-microsoft/rsa2048_sha256_exc-c14n.xml"))
        #expect(content.algorithm == .rsaSHA256)
        #expect(content.root.name == "root")
        #expect(content.root.child("element1")?.text == "test")
        #expect(content.root.child("Signature") == nil)
    }

    @Test func microsoftExclusiveECDSA() throws {
        let verifier = XMLPublicKeyVerifier(pinnedKeys: [try Self.p256Key("xmldsig11-interop-microsoft/ecc-p256-pubkey.pem")])
        let content = try verifier.verify(try Vectors.bytes("xmldsig11-interop-microsoft/ecc_p256_sha256_exc-c14n.xml"))
        #expect(content.algorithm == .ecdsaP256SHA256)
        #expect(content.root.child("element1")?.text == "test")
    }

    @Test func microsoftVectorsFailWithTheWrongKey() throws {
        let rsa = try Self.rsaKey("xmldsig11-interop-microsoft/rsa2048-pubkey.pem")
        let p256 = try Self.p256Key("xmldsig11-interop-microsoft/ecc-p256-pubkey.pem")
        #expect(throws: XMLSignatureError(.unpinnedCertificate)) {
            try XMLPublicKeyVerifier(pinnedKeys: [p256]).verify(
                try Vectors.bytes("xmldsig11-interop-microsoft/rsa2048_sha256_exc-c14n.xml"))
        }
        let otherP256 = XMLVerificationKey.p256(P256.Signing.PrivateKey().publicKey)
        #expect(throws: XMLSignatureError(.signatureInvalid)) {
            try XMLPublicKeyVerifier(pinnedKeys: [otherP256, rsa]).verify(
                try Vectors.bytes("xmldsig11-interop-microsoft/ecc_p256_sha256_exc-c14n.xml"))
        }
    }

    @Test func microsoftInclusiveTwinsNeedAPolicyThatAllowsInclusiveC14N() throws {
        let rsa = try Self.rsaKey("xmldsig11-interop-microsoft/rsa2048-pubkey.pem")
        let p256 = try Self.p256Key("xmldsig11-interop-microsoft/ecc-p256-pubkey.pem")
        for file in ["rsa2048_sha256_c14n.xml", "ecc_p256_sha256_c14n.xml"] {
            let document = try Vectors.bytes("xmldsig11-interop-microsoft/\(file)")
            let error = #expect(throws: XMLSignatureError(.algorithmForbidden)) {
                try XMLPublicKeyVerifier(pinnedKeys: [rsa, p256]).verify(document)
            }
            #expect(error?.reason.contains("REC-xml-c14n-20010315") == true)
            var policy = XMLVerificationPolicy.strict
            policy.allowedSignedInfoCanonicalizations = [.exclusiveC14N, .inclusiveC14N]
            #expect(throws: Never.self) { try XMLPublicKeyVerifier(pinnedKeys: [rsa, p256], policy: policy).verify(document) }
        }
    }

    @Test func microsoftTamperedContentIsADigestMismatch() throws {
        let document = try Vectors.text("xmldsig11-interop-microsoft/rsa2048_sha256_exc-c14n.xml")
        let tampered = document.replacingOnce("<element1>test</element1>", with: "<element1>Test</element1>")
        #expect(throws: XMLSignatureError(.digestMismatch)) {
            try XMLPublicKeyVerifier(pinnedKeys: [try Self.rsaKey("xmldsig11-interop-microsoft/rsa2048-pubkey.pem")])
                .verify(tampered.bytes)
        }
    }

    @Test(arguments: [
        "signature-rsa-enveloped.xml", "signature-rsa-enveloped-bad-digest-val.xml",
        "signature-rsa-enveloped-bad-sig.xml",
    ])
    func phaosSHA1VectorsAreRefusedByPolicy(file: String) throws {
        let document = try Vectors.bytes("phaos-xmldsig-three/\(file)")
        let key = try Self.rsaKey("xmldsig11-interop-2012/rsa-pubkey.pem")  // the same Phaos key
        // Strict: refused already for the inclusive SignedInfo canonicalisation.
        #expect(throws: XMLSignatureError(.algorithmForbidden)) { try XMLPublicKeyVerifier(pinnedKeys: [key]).verify(document) }
        // Even where inclusive C14N is allowed, SHA-1 never is.
        let error = #expect(throws: XMLSignatureError(.algorithmForbidden)) {
            try XMLPublicKeyVerifier(pinnedKeys: [key], policy: Self.legacyInterop).verify(document)
        }
        #expect(error?.reason.contains("SHA-1") == true)
    }

    @Test func phaosHMACIsRefused() throws {
        let error = #expect(throws: XMLSignatureError(.algorithmForbidden)) {
            try XMLPublicKeyVerifier(pinnedKeys: [], policy: Self.legacyInterop).verify(
                try Vectors.bytes("phaos-xmldsig-three/signature-hmac-sha1-exclusive-c14n-enveloped.xml"))
        }
        #expect(error?.reason.contains("MAC") == true)
    }

    @Test(arguments: [
        "signature-enveloping-sha256-rsa-sha256.xml", "signature-enveloping-sha384-rsa_sha256.xml",
        "signature-enveloping-sha512-rsa_sha256.xml", "signature-enveloping-x509digest-rsa.xml",
        "signature-enveloping-derencoded-rsa.xml", "signature-enveloping-keyinforeference-rsa.xml",
        "signature-enveloping-p256_sha256.xml", "signature-enveloping-p256_sha256_4050.xml",
        "signature-enveloping-derencoded-ec.xml",
    ])
    func oracleEnvelopingVectorsVerifyUnderALegacyPolicy(file: String) throws {
        let document = try Vectors.bytes("xmldsig11-interop-2012/\(file)")
        let keys = [
            try Self.rsaKey("xmldsig11-interop-2012/rsa-pubkey.pem"), try Self.p256Key("xmldsig11-interop-2012/p256-pubkey.pem"),
        ]
        let content = try XMLPublicKeyVerifier(pinnedKeys: keys, policy: Self.legacyInterop).verify(document)
        let object = try #require(content.references.first?.element)
        #expect(object.name == "Object")
        #expect(object.child("Web")?.text == "up up and away")
        // ... and the strict policy refuses them (inclusive C14N, no whole-document reference).
        #expect(throws: XMLSignatureError.self) { try XMLPublicKeyVerifier(pinnedKeys: keys).verify(document) }
    }

    @Test func oracleSHA1AndSHA224DigestsAreRefused() throws {
        let key = try Self.rsaKey("xmldsig11-interop-2012/rsa-pubkey.pem")
        let sha1 = #expect(throws: XMLSignatureError(.algorithmForbidden)) {
            try XMLPublicKeyVerifier(pinnedKeys: [key], policy: Self.legacyInterop).verify(
                try Vectors.bytes("xmldsig11-interop-2012/signature-enveloping-rsa-sha256.xml"))
        }
        #expect(sha1?.reason.contains("SHA-1") == true)
        #expect(throws: XMLSignatureError(.algorithmForbidden)) {
            try XMLPublicKeyVerifier(pinnedKeys: [key], policy: Self.legacyInterop).verify(
                try Vectors.bytes("xmldsig11-interop-2012/signature-enveloping-sha224-rsa_sha256.xml"))
        }
    }

    @Test func alekseyRSAPSSVerifies() throws {
        let key = try Self.rsaKey("aleksey-xmldsig-01/rsa-4096-pubkey.pem")
        let content = try XMLPublicKeyVerifier(pinnedKeys: [key], policy: Self.legacyInterop).verify(
            try Vectors.bytes("aleksey-xmldsig-01/enveloping-rsa-pss-sha256.xml"))
        #expect(content.algorithm == .rsaPSSSHA256)
        #expect(content.references.first?.element?.text == "some text")
        // The wrong key fails.
        #expect(throws: XMLSignatureError(.signatureInvalid)) {
            try XMLPublicKeyVerifier(pinnedKeys: [.rsa(TestPKI.rsaKey.publicKey)], policy: Self.legacyInterop).verify(
                try Vectors.bytes("aleksey-xmldsig-01/enveloping-rsa-pss-sha256.xml"))
        }
    }

    @Test func alekseyExpiredCertificateVectorIsRefused() throws {
        // RSA-SHA1 over an expired certificate: refused (by policy, before the expiry is reached).
        let certificate = try X509Loader.certificate(try Vectors.text("aleksey-xmldsig-01/rsa-4096-cert.pem"))
        #expect(throws: XMLSignatureError.self) {
            try XMLSignatureVerifier(pinned: [certificate]).verify(
                try Vectors.bytes("aleksey-xmldsig-01/enveloping-expired-cert.xml"))
        }
    }
}

enum X509Loader {
    static func certificate(_ pem: String) throws -> Certificate {
        try Certificate(pemEncoded: pem)
    }
}
