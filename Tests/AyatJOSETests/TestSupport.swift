import AyatRSA
import Crypto
import Foundation
import Testing
import _CryptoExtras

@testable import AyatJOSE

/// The shared JOSE vectors, found from this file: Tests/AyatJOSETests → repository → ../shared/vectors/jose.
enum Vectors {
    static let directory: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent()  // AyatJOSETests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // repository
        .appendingPathComponent("../shared/vectors/jose").standardizedFileURL

    static var available: Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent("rfc7515-appendix-a.json").path)
    }

    static let skipMessage: Comment = "JOSE vectors not found at ../shared/vectors/jose beside the repository: vector tests skipped"

    static func json(_ relativePath: String) throws -> [String: Any] {
        let data = try Data(contentsOf: directory.appendingPathComponent(relativePath))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// One entry of a file holding `"examples": [{"id": ...}]`.
    static func example(_ file: String, id: String) throws -> [String: Any] {
        let examples = try #require(try json(file)["examples"] as? [[String: Any]])
        return try #require(examples.first { $0["id"] as? String == id }, "no example \(id) in \(file)")
    }
}

/// Reading JWKs (RFC 7517) in tests only: the library pins keys from certificates and PEM, not JWKs.
enum JWK {
    static func bytes(_ jwk: [String: Any], _ member: String) throws -> [UInt8] {
        try Base64URL.decode(try #require(jwk[member] as? String, "JWK has no \(member)"))
    }

    static func rsaPublic(_ jwk: [String: Any]) throws -> _RSA.Signing.PublicKey {
        try _RSA.Signing.PublicKey(n: bytes(jwk, "n"), e: bytes(jwk, "e"))
    }

    static func rsaPrivate(_ jwk: [String: Any]) throws -> RSASigningKey {
        try RSASigningKey(_RSA.Signing.PrivateKey(
            n: bytes(jwk, "n"), e: bytes(jwk, "e"), d: bytes(jwk, "d"), p: bytes(jwk, "p"), q: bytes(jwk, "q")))
    }

    static func p256Public(_ jwk: [String: Any]) throws -> P256.Signing.PublicKey {
        try P256.Signing.PublicKey(rawRepresentation: bytes(jwk, "x") + bytes(jwk, "y"))
    }

    static func p521Public(_ jwk: [String: Any]) throws -> P521.Signing.PublicKey {
        try P521.Signing.PublicKey(rawRepresentation: bytes(jwk, "x") + bytes(jwk, "y"))
    }

    static func symmetric(_ jwk: [String: Any]) throws -> SymmetricKey {
        SymmetricKey(data: try bytes(jwk, "k"))
    }
}

/// Keys made once per test run (RSA generation is slow).
enum TestKeys {
    static let rsa = try! RSASigningKey.generate()
    static let otherRSA = try! RSASigningKey.generate()
    static let p256 = P256.Signing.PrivateKey()
    static let otherP256 = P256.Signing.PrivateKey()

    static let pinned: [String: JWSVerificationKey] = [
        "bank-a-rsa": .rsa(rsa.publicKey),
        "bank-a-ec": .p256(p256.publicKey),
        "bank-b-rsa": .rsa(otherRSA.publicKey),
        "bank-b-ec": .p256(otherP256.publicKey),
    ]

    static let verifier = JWSVerifier(pinned: pinned)

    /// A signing identity: algorithm, key, and the kid it is pinned under.
    struct Identity: Sendable, CustomTestStringConvertible {
        let algorithm: JWSAlgorithm
        let key: JWSSigningKey
        let keyID: String
        var testDescription: String { algorithm.name }

        func signer() throws -> JWSSigner { try JWSSigner(key: key, algorithm: algorithm) }
        func header(_ extra: KeyValuePairs<String, JSONValue> = [:]) -> JOSEHeader {
            var header = JOSEHeader(["kid": .string(keyID)])
            for (name, value) in extra { header[name] = value }
            return header
        }
    }

    static let rs256 = Identity(algorithm: .rs256, key: .rsa(rsa), keyID: "bank-a-rsa")
    static let ps256 = Identity(algorithm: .ps256, key: .rsa(rsa), keyID: "bank-a-rsa")
    static let es256 = Identity(algorithm: .es256, key: .p256(p256), keyID: "bank-a-ec")
    static let all = [rs256, ps256, es256]
}

/// A body as banks send it: a '.', a '/', spaces, non-ASCII — the bytes that trip naive code.
let sampleBody = Array(#"{"orderId":"ORD-2026/0001", "amount":"15000.00", "memo":"café – déjà vu"}"#.utf8)

/// Builds tokens the library would never produce (for the refusal tests), signed for real with
/// the test keys so only the property under test is wrong.
enum Forge {
    static func sign(_ input: [UInt8], algorithm: JWSAlgorithm, key: JWSSigningKey) throws -> [UInt8] {
        try key.sign(input, algorithm: algorithm)
    }

    /// `headerJSON` exactly as given, payload base64url-encoded unless `unencoded`.
    static func compact(
        headerJSON: String, payload: [UInt8] = sampleBody, algorithm: JWSAlgorithm = .es256,
        key: JWSSigningKey = .p256(TestKeys.p256), unencoded: Bool = false
    ) throws -> String {
        let headerSegment = Base64URL.encode(Array(headerJSON.utf8))
        let payloadSegment = unencoded ? String(decoding: payload, as: UTF8.self) : Base64URL.encode(payload)
        let input = Array((headerSegment + "." + payloadSegment).utf8)
        return headerSegment + "." + payloadSegment + "." + Base64URL.encode(try sign(input, algorithm: algorithm, key: key))
    }

    static func detached(
        headerJSON: String, payload: [UInt8] = sampleBody, algorithm: JWSAlgorithm = .es256,
        key: JWSSigningKey = .p256(TestKeys.p256), unencoded: Bool
    ) throws -> String {
        let headerSegment = Base64URL.encode(Array(headerJSON.utf8))
        let input = JWSSigningInput.make(headerSegment: Array(headerSegment.utf8), payload: payload, unencoded: unencoded)
        return headerSegment + ".." + Base64URL.encode(try sign(input, algorithm: algorithm, key: key))
    }
}

extension String {
    var bytes: [UInt8] { Array(utf8) }

    /// The three compact segments (the middle one may be empty).
    var segments: [String] { split(separator: ".", omittingEmptySubsequences: false).map(String.init) }
}
