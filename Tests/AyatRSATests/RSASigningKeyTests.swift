import Crypto
import Foundation
import Testing
import _CryptoExtras
@testable import AyatRSA

/// OpenSSL signs; swift-crypto (BoringSSL) is the independent check. PKCS #1 v1.5 is
/// deterministic, so the two libraries must agree byte for byte; PSS is randomised, so
/// OpenSSL's signatures must verify under BoringSSL's PSS rules (salt as long as the digest).
@Suite struct RSASigningKeyTests {
    static let keys: [RSASigningKey] = [
        try! RSASigningKey.generate(bits: 2048),
        try! RSASigningKey.generate(bits: 3072),
    ]
    static let messages: [[UInt8]] = [[], Array("freeze".utf8), Array(repeating: 0xA5, count: 4096)]

    @Test(arguments: keys)
    func pkcs1SignaturesAreByteForByteBoringSSLs(key: RSASigningKey) throws {
        for message in Self.messages {
            let sha256 = SHA256.hash(data: message)
            let ours = try key.signature(for: sha256, padding: .pkcs1v15)
            let boring = try key.swiftCryptoKey.signature(for: sha256, padding: .insecurePKCS1v1_5)
            #expect(ours == Array(boring.rawRepresentation))
            #expect(ours.count == key.keySizeInBits / 8)

            let sha384 = SHA384.hash(data: message)
            let ours384 = try key.signature(for: sha384, padding: .pkcs1v15)
            #expect(ours384 == Array(try key.swiftCryptoKey.signature(for: sha384, padding: .insecurePKCS1v1_5).rawRepresentation))
        }
    }

    @Test(arguments: keys)
    func pssSignaturesVerifyUnderBoringSSLAndAreRandomised(key: RSASigningKey) throws {
        for message in Self.messages {
            let sha256 = SHA256.hash(data: message)
            let first = try key.signature(for: sha256, padding: .pss)
            let second = try key.signature(for: sha256, padding: .pss)
            #expect(first != second, "PSS draws a fresh salt for each signature")
            for signature in [first, second] {
                #expect(key.publicKey.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: sha256, padding: .PSS))
                #expect(!key.publicKey.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: sha256, padding: .insecurePKCS1v1_5))
            }
            let sha384 = SHA384.hash(data: message)
            let signature384 = try key.signature(for: sha384, padding: .pss)
            #expect(key.publicKey.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature384), for: sha384, padding: .PSS))
            #expect(!key.publicKey.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature384), for: sha256, padding: .PSS))
        }
    }

    @Test func aKeyReadFromPEMSignsAsTheKeyItCameFrom() throws {
        let original = Self.keys[0]
        for pem in [original.swiftCryptoKey.pemRepresentation, original.swiftCryptoKey.pkcs8PEMRepresentation] {
            let reloaded = try RSASigningKey(_RSA.Signing.PrivateKey(pemRepresentation: pem))
            let digest = SHA256.hash(data: Array("same key".utf8))
            #expect(try reloaded.signature(for: digest, padding: .pkcs1v15) == original.signature(for: digest, padding: .pkcs1v15))
        }
    }

    /// One key, many threads at once: every signature is the one a single thread makes.
    @Test func signingFromManyTasksAtOnceGivesTheSameSignatures() async throws {
        let key = Self.keys[0]
        let digests = (0..<64).map { SHA256.hash(data: Array("order \($0)".utf8)) }
        let expected = try digests.map { Array(try key.swiftCryptoKey.signature(for: $0, padding: .insecurePKCS1v1_5).rawRepresentation) }
        let signed = try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
            for (index, digest) in digests.enumerated() {
                group.addTask { (index, try key.signature(for: digest, padding: .pkcs1v15)) }
            }
            var out = [[UInt8]](repeating: [], count: digests.count)
            for try await (index, signature) in group { out[index] = signature }
            return out
        }
        #expect(signed == expected)
    }

    @Test func aDigestOtherThanSHA2IsRefused() throws {
        let key = Self.keys[0]
        #expect(throws: RSASigningError.self) { try key.signature(for: Insecure.SHA1.hash(data: [1, 2, 3]), padding: .pkcs1v15) }
        #expect(throws: RSASigningError.self) { try key.signature(for: Insecure.MD5.hash(data: [1, 2, 3]), padding: .pss) }
    }

    @Test func onlyRSAPrivateKeysAreLoaded() throws {
        let ecdsa = Array(P256.Signing.PrivateKey().derRepresentation)
        let error = try #require(throws: RSASigningError.self) { try OpenSSLPrivateKey(pkcs8DER: ecdsa) }
        #expect(error.description.contains("not an RSA private key"))
        #expect(throws: RSASigningError.self) { try OpenSSLPrivateKey(pkcs8DER: Array(repeating: 0x30, count: 40)) }
        #expect(throws: RSASigningError.self) { try OpenSSLPrivateKey(pkcs8DER: []) }
    }
}
