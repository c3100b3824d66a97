import Foundation
import X509
import SwiftASN1
import Crypto
import _CryptoExtras

/// Makes a complete development PKI: never for production, never committed.
public enum DevPKI {
    /// Writes the centre CA, the gateway's TLS and signing identities, and for
    /// each bank its CA, TLS server identity (SAN localhost, 127.0.0.1) and
    /// signing identity. Existing files are replaced.
    @discardableResult
    public static func generate(
        in directory: URL, banks: [String], signingKeys: SigningKeyAlgorithm = .rsa2048, now: Date = Date()
    ) throws -> DevPKILayout {
        let layout = DevPKILayout(directory: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let validity = (now.addingTimeInterval(-3600), now.addingTimeInterval(2 * 365 * 86400))

        let centre = try Authority.make(name: "Ayat Dev Centre CA", validity: validity)
        try centre.write(to: layout.centreCA)
        try centre.issueTLS(name: "Ayat Gateway", validity: validity).write(to: layout.gatewayTLS)
        try centre.issueSigning(name: "Ayat Gateway Message Signing", algorithm: signingKeys, validity: validity)
            .write(to: layout.gatewaySigning)

        for code in banks {
            let files = layout.bank(code)
            let authority = try Authority.make(name: "Simulated Bank \(code) CA", validity: validity)
            try authority.write(to: files.ca)
            try authority.issueTLS(name: "Simulated Bank \(code)", validity: validity).write(to: files.tls)
            try authority.issueSigning(name: "Simulated Bank \(code) Message Signing", algorithm: signingKeys, validity: validity)
                .write(to: files.signing)
        }
        return layout
    }

    /// A certificate with the private key it was made for.
    struct Issued {
        let certificate: Certificate
        let keyPEM: String

        func write(to pair: DevPKILayout.PEMPair) throws {
            try PEMFile.writeCertificate(certificate, to: pair.certificate)
            try PEMFile.writePrivateKey(keyPEM, to: pair.privateKey)
        }
    }

    struct Authority {
        let certificate: Certificate
        let key: P256.Signing.PrivateKey
        var name: DistinguishedName { certificate.subject }

        static func make(name: String, validity: (Date, Date)) throws -> Authority {
            let key = P256.Signing.PrivateKey()
            let subject = try distinguishedName(name)
            let publicKey = Certificate.PublicKey(key.publicKey)
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(keyIdentifier: keyIdentifier(publicKey))
            }
            let certificate = try Certificate(
                version: .v3, serialNumber: .init(), publicKey: publicKey,
                notValidBefore: validity.0, notValidAfter: validity.1,
                issuer: subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
                extensions: extensions, issuerPrivateKey: .init(key)
            )
            return Authority(certificate: certificate, key: key)
        }

        func write(to pair: DevPKILayout.PEMPair) throws {
            try Issued(certificate: certificate, keyPEM: key.pemRepresentation).write(to: pair)
        }

        /// TLS identity usable both as server and as client (banks call back the gateway).
        func issueTLS(name: String, validity: (Date, Date)) throws -> Issued {
            let key = P256.Signing.PrivateKey()
            let publicKey = Certificate.PublicKey(key.publicKey)
            let loopback = ASN1OctetString(contentBytes: [127, 0, 0, 1])
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyAgreement: true))
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
                SubjectAlternativeNames([.dnsName("localhost"), .ipAddress(loopback)])
                SubjectKeyIdentifier(keyIdentifier: keyIdentifier(publicKey))
                AuthorityKeyIdentifier(keyIdentifier: try certificate.extensions.subjectKeyIdentifier?.keyIdentifier)
            }
            let issued = try Certificate(
                version: .v3, serialNumber: .init(), publicKey: publicKey,
                notValidBefore: validity.0, notValidAfter: validity.1,
                issuer: self.name, subject: try distinguishedName(name), signatureAlgorithm: .ecdsaWithSHA256,
                extensions: extensions, issuerPrivateKey: .init(self.key)
            )
            return Issued(certificate: issued, keyPEM: key.pemRepresentation)
        }

        /// Message-signing identity: digitalSignature + nonRepudiation, no TLS use.
        func issueSigning(name: String, algorithm: SigningKeyAlgorithm, validity: (Date, Date)) throws -> Issued {
            let publicKey: Certificate.PublicKey
            let keyPEM: String
            if algorithm == .p256 {
                let key = P256.Signing.PrivateKey()
                publicKey = Certificate.PublicKey(key.publicKey)
                keyPEM = key.pemRepresentation
            } else {
                let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
                publicKey = Certificate.PublicKey(key.publicKey)
                keyPEM = key.pkcs8PEMRepresentation
            }
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, nonRepudiation: true))
                SubjectKeyIdentifier(keyIdentifier: keyIdentifier(publicKey))
                AuthorityKeyIdentifier(keyIdentifier: try certificate.extensions.subjectKeyIdentifier?.keyIdentifier)
            }
            let issued = try Certificate(
                version: .v3, serialNumber: .init(), publicKey: publicKey,
                notValidBefore: validity.0, notValidAfter: validity.1,
                issuer: self.name, subject: try distinguishedName(name), signatureAlgorithm: .ecdsaWithSHA256,
                extensions: extensions, issuerPrivateKey: .init(self.key)
            )
            return Issued(certificate: issued, keyPEM: keyPEM)
        }
    }

    /// RFC 5280 method 1 style: a SHA-1 of the public key info (an identifier, not a security function).
    static func keyIdentifier(_ key: Certificate.PublicKey) -> ArraySlice<UInt8> {
        ArraySlice(Insecure.SHA1.hash(data: Array(key.subjectPublicKeyInfoBytes)))
    }

    static func distinguishedName(_ commonName: String) throws -> DistinguishedName {
        try DistinguishedName {
            CountryName("TH")
            OrganizationName("Ayat Development")
            CommonName(commonName)
        }
    }
}
