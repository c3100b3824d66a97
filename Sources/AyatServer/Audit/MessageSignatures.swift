import Foundation
import AyatDialects
import AyatStore
import X509

/// Re-verifies a stored message's signature against its signer's certificate,
/// at the time it was recorded, the way an auditor would.
public enum MessageSignatures {
    public static func verify(_ message: StoredMessage, pinned: [Certificate]) throws {
        try DialectRegistry.verifySignature(
            dialect: DialectName(rawValue: message.dialect), bytes: message.bytes, headers: message.headers,
            requestLine: message.requestLine, pinned: pinned, at: message.recordedAt
        )
    }
}
