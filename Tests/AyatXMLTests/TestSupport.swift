import AyatRSA
import AyatXML
import Crypto
import Foundation
import Testing
import X509
import _CryptoExtras

/// Keys and self-signed certificates made in-process, once per test run (RSA generation is slow).
enum TestPKI {
    struct Identity: Sendable, CustomTestStringConvertible {
        let key: XMLSigningKey
        let certificate: Certificate
        let algorithm: XMLSignatureAlgorithm
        let privateKeyPEM: String
        let certificatePEM: String

        /// Test logs name the algorithm, never the (test) private key.
        var testDescription: String { algorithm.uri.components(separatedBy: "#").last ?? algorithm.uri }
    }

    static let notBefore = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01
    static let notAfter = Date(timeIntervalSince1970: 1_830_297_600)  // 2028-01-01
    /// A time inside every test certificate's validity window.
    static let validTime = Date(timeIntervalSince1970: 1_790_000_000)  // 2026-09

    static let rsaKey = try! RSASigningKey.generate()
    static let otherRSAKey = try! RSASigningKey.generate()
    static let p256Key = P256.Signing.PrivateKey()

    static let rsa = identity(.rsa(rsaKey), algorithm: .rsaSHA256, commonName: "Ayat Test RSA")
    static let rsaPSS = identity(.rsa(rsaKey), algorithm: .rsaPSSSHA256, commonName: "Ayat Test RSA")
    static let p256 = identity(.p256(p256Key), algorithm: .ecdsaP256SHA256, commonName: "Ayat Test P-256")
    /// Same subject as ``rsa`` but another key and serial: the classic "looks the same" forgery.
    static let impostor = identity(.rsa(otherRSAKey), algorithm: .rsaSHA256, commonName: "Ayat Test RSA")

    static let all: [Identity] = [rsa, rsaPSS, p256]

    static func identity(
        _ key: XMLSigningKey, algorithm: XMLSignatureAlgorithm, commonName: String,
        notBefore: Date = notBefore, notAfter: Date = notAfter
    ) -> Identity {
        let privateKey: Certificate.PrivateKey
        let signatureAlgorithm: Certificate.SignatureAlgorithm
        let pem: String
        switch key {
        case .rsa(let rsa):
            privateKey = Certificate.PrivateKey(rsa.swiftCryptoKey)
            signatureAlgorithm = .sha256WithRSAEncryption
            pem = rsa.swiftCryptoKey.pemRepresentation
        case .p256(let p256):
            privateKey = Certificate.PrivateKey(p256)
            signatureAlgorithm = .ecdsaWithSHA256
            pem = p256.pemRepresentation
        }
        let name = try! DistinguishedName {
            CountryName("TH")
            OrganizationName("Ayat Test Bank, Ltd.")
            CommonName(commonName)
        }
        let certificate = try! Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: privateKey.publicKey,
            notValidBefore: notBefore,
            notValidAfter: notAfter,
            issuer: name,
            subject: name,
            signatureAlgorithm: signatureAlgorithm,
            extensions: try! Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
            },
            issuerPrivateKey: privateKey)
        return Identity(
            key: key, certificate: certificate, algorithm: algorithm, privateKeyPEM: pem,
            certificatePEM: try! certificate.serializeAsPEM().pemString)
    }

    static func signer(_ identity: Identity) throws -> XMLSigner {
        try XMLSigner(key: identity.key, algorithm: identity.algorithm, certificate: identity.certificate)
    }

    static func verifier(_ identities: Identity...) -> XMLSignatureVerifier {
        XMLSignatureVerifier(pinned: identities.map(\.certificate))
    }
}

/// A small bank-like message with Thai text, attributes, a namespace and whitespace.
enum Samples {
    static let holderName = "สมชาย ใจดี"

    static let order = """
        <?xml version="1.0" encoding="UTF-8"?>
        <FreezeOrder xmlns="urn:ayat:test:freeze" xmlns:x="urn:ayat:test:extra" Id="order-1">
          <Case x:ref="C-2026-0042">
            <Holder>\(holderName)</Holder>
            <Account>123-4-56789-0</Account>
            <Amount Ccy="THB">15000.00</Amount>
          </Case>
          <Note>ระงับ &amp; ตรวจสอบ</Note>
        </FreezeOrder>
        """

    static var orderBytes: [UInt8] { Array(order.utf8) }
}

extension Array where Element == UInt8 {
    var string: String { String(decoding: self, as: UTF8.self) }
}

extension String {
    var bytes: [UInt8] { Array(utf8) }

    /// Replaces exactly one occurrence, failing the test when the anchor is absent, so a
    /// tampering test can never pass by tampering with nothing.
    func replacingOnce(_ target: String, with replacement: String, sourceLocation: SourceLocation = #_sourceLocation)
        -> String
    {
        guard let range = range(of: target) else {
            Issue.record("anchor not found: \(target)", sourceLocation: sourceLocation)
            return self
        }
        return replacingCharacters(in: range, with: replacement)
    }
}

/// The published vectors live outside the package, next to the project.
enum Vectors {
    static let directory: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent()
        .appendingPathComponent("../../../shared/vectors/xmldsig").standardizedFileURL

    static var available: Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent("PROVENANCE.md").path)
    }

    static func bytes(_ relativePath: String) throws -> [UInt8] {
        Array(try Data(contentsOf: directory.appendingPathComponent(relativePath)))
    }

    static func text(_ relativePath: String) throws -> String {
        String(decoding: try bytes(relativePath), as: UTF8.self)
    }
}
