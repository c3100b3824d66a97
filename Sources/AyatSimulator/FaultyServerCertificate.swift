import Foundation
import Crypto
import SwiftASN1
import X509
import AyatPKI

/// Server certificates a careful client must refuse, made when a simulated
/// bank starts with a `tls` fault and written beside its good ones
/// (`tls-expired.pem`, `tls-wrong-host.pem`, `tls-untrusted.pem`, each with its `.key.pem`).
enum FaultyServerCertificate {
    /// Makes (or replaces) the faulty certificate and returns the files.
    static func make(_ fault: SimulatorFaults.TLSFault, bank: DevPKILayout.BankFiles, code: String, now: Date = Date()) throws -> (certificate: URL, privateKey: URL) {
        let issuerName: DistinguishedName
        let issuerKey: P256.Signing.PrivateKey
        let issuerKeyIdentifier: ArraySlice<UInt8>?
        switch fault {
        case .expired, .wrongHost:
            let ca = try PEMFile.readCertificate(bank.ca.certificate)
            issuerName = ca.subject
            issuerKey = try P256.Signing.PrivateKey(pemRepresentation: PEMFile.readPrivateKeyPEM(bank.ca.privateKey))
            issuerKeyIdentifier = try ca.extensions.subjectKeyIdentifier?.keyIdentifier
        case .untrusted:
            // A CA of its own that nobody was told about.
            issuerName = try name("Unknown CA")
            issuerKey = P256.Signing.PrivateKey()
            issuerKeyIdentifier = nil
        }
        let validity: (Date, Date) = fault == .expired
            ? (now.addingTimeInterval(-400 * 86400), now.addingTimeInterval(-86400))
            : (now.addingTimeInterval(-3600), now.addingTimeInterval(30 * 86400))
        let names: [GeneralName] = fault == .wrongHost
            ? [.dnsName("bank-\(code).invalid")]
            : [.dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))]

        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true, keyAgreement: true))
            try ExtendedKeyUsage([.serverAuth, .clientAuth])
            SubjectAlternativeNames(names)
            if let issuerKeyIdentifier { AuthorityKeyIdentifier(keyIdentifier: issuerKeyIdentifier) }
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: publicKey,
            notValidBefore: validity.0, notValidAfter: validity.1,
            issuer: issuerName, subject: try name("Simulated Bank \(code) (\(fault.rawValue))"),
            signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions, issuerPrivateKey: .init(issuerKey)
        )
        let files = (certificate: bank.directory.appending(path: "tls-\(fault.rawValue).pem"),
                     privateKey: bank.directory.appending(path: "tls-\(fault.rawValue).key.pem"))
        try PEMFile.writeCertificate(certificate, to: files.certificate)
        try PEMFile.writePrivateKey(key.pemRepresentation, to: files.privateKey)
        return files
    }

    private static func name(_ commonName: String) throws -> DistinguishedName {
        try DistinguishedName {
            CountryName("TH")
            OrganizationName("Ayat Development")
            CommonName(commonName)
        }
    }
}
