import Foundation
import X509
import SwiftASN1
import Crypto
import _CryptoExtras

/// Reading and writing PEM files, with private keys kept owner-only.
public enum PEMFile {
    /// Writes a private key readable by its owner only (0600), creating the
    /// file with that mode so that it is never briefly world-readable.
    public static func writePrivateKey(_ pem: String, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let path = url.path
        unlink(path)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else { throw PKIError(path: path, reason: "cannot create: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        let bytes = Array(pem.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw PKIError(path: path, reason: "short write") }
    }

    public static func writeCertificate(_ certificate: Certificate, to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try certificate.serializeAsPEM().pemString.appending("\n").write(to: url, atomically: true, encoding: .utf8)
    }

    /// Reads a private key, refusing one that group or others can read.
    public static func readPrivateKeyPEM(_ url: URL) throws -> String {
        let path = url.path
        let attributes: [FileAttributeKey: Any]
        do { attributes = try FileManager.default.attributesOfItem(atPath: path) } catch {
            throw PKIError(path: path, reason: "private key file not found")
        }
        if let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 {
            throw PKIError(path: path, reason: "private key is readable by others (mode \(String(mode, radix: 8))); chmod 600 it")
        }
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw PKIError(path: path, reason: "cannot read private key")
        }
        return text
    }

    public static func readCertificates(_ url: URL) throws -> [Certificate] {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw PKIError(path: url.path, reason: "certificate file not found or unreadable")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PKIError(path: url.path, reason: "not a PEM certificate: the file is not text")
        }
        do {
            let documents = try PEMDocument.parseMultiple(pemString: text)
            let certificates = try documents.map { try Certificate(pemDocument: $0) }
            guard !certificates.isEmpty else { throw PKIError(path: url.path, reason: "no certificate in file") }
            return certificates
        } catch let error as PKIError {
            throw error
        } catch {
            throw PKIError(path: url.path, reason: "not a PEM certificate: \(error)")
        }
    }

    public static func readCertificate(_ url: URL) throws -> Certificate {
        try readCertificates(url)[0]
    }
}
