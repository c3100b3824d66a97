import Crypto
import Foundation
import AyatPKI

/// The auditors' credential for `/audit`: HTTP Basic with user `auditor` and a
/// secret kept owner-only in `audit/auditor.secret` — separate from anything
/// the case system holds.
public struct AuditorCredential: Sendable {
    public static let user = "auditor"
    let secretDigest: SHA256Digest

    public init(secret: String) {
        secretDigest = SHA256.hash(data: Array(secret.utf8))
    }

    public static func file(_ state: StateDirectory) -> URL { state.url.appending(path: "audit/auditor.secret") }

    /// Loads the secret, making one on first use.
    public static func loadOrCreate(_ state: StateDirectory) throws -> (credential: AuditorCredential, secret: String) {
        let url = file(state)
        if FileManager.default.fileExists(atPath: url.path) {
            let secret = try PEMFile.readPrivateKeyPEM(url).trimmingCharacters(in: .whitespacesAndNewlines)
            return (AuditorCredential(secret: secret), secret)
        }
        let secret = (0..<24).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        try PEMFile.writePrivateKey(secret + "\n", to: url)
        return (AuditorCredential(secret: secret), secret)
    }

    /// Checks an `Authorization: Basic …` header, comparing digests so the time taken says nothing.
    func accepts(authorization: String?) -> Bool {
        guard let authorization, authorization.lowercased().hasPrefix("basic "),
              let decoded = Data(base64Encoded: String(authorization.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
              let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":") else { return false }
        let user = text[..<colon]
        let secret = text[text.index(after: colon)...]
        let given = SHA256.hash(data: Array(secret.utf8))
        return user == Self.user && given == secretDigest
    }
}
