import Foundation
import AyatAudit
import AyatPKI

/// The log's Ed25519 key, kept in the state directory: `audit/log.key` (the
/// signer key, owner-only) and `audit/log.vkey` (the verifier key auditors get).
public enum AuditLogKey {
    /// The checkpoint origin (and key name) for a centre's log.
    public static func origin(centreID: String) -> String { "ayat.log/\(centreID)" }

    public static func signerFile(_ state: StateDirectory) -> URL { state.url.appending(path: "audit/log.key") }
    public static func verifierFile(_ state: StateDirectory) -> URL { state.url.appending(path: "audit/log.vkey") }

    /// Loads the signer, creating the key pair on first use.
    public static func loadOrCreate(_ state: StateDirectory, centreID: String) throws -> NoteSigner {
        let file = signerFile(state)
        if FileManager.default.fileExists(atPath: file.path) {
            let text = try PEMFile.readPrivateKeyPEM(file).trimmingCharacters(in: .whitespacesAndNewlines)
            return try NoteSigner(signerKey: text)
        }
        let signer = try NoteSigner.generate(name: origin(centreID: centreID))
        try PEMFile.writePrivateKey(signer.signerKey + "\n", to: file)
        try (signer.verifier.verifierKey + "\n").write(to: verifierFile(state), atomically: true, encoding: .utf8)
        return signer
    }

    public static func loadVerifier(_ file: URL) throws -> NoteVerifier {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else {
            throw PKIError(path: file.path, reason: "log verifier key not found")
        }
        return try NoteVerifier(verifierKey: text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
