import Foundation
import Crypto

/// The Standard Webhooks signature: HMAC-SHA256 over `id.timestamp.body`
/// with the endpoint's secret, sent as `webhook-signature: v1,<base64>`.
public struct StandardWebhookSignature: Sendable {
    let key: SymmetricKey

    /// `secret` is `whsec_` followed by base64 of the key bytes (at least 24 bytes).
    public init(secret: String) throws {
        let trimmed = secret.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("whsec_"), let bytes = Data(base64Encoded: String(trimmed.dropFirst(6))), bytes.count >= 24 else {
            throw WebhookSecretError()
        }
        key = SymmetricKey(data: bytes)
    }

    /// A new random secret in the `whsec_` form.
    public static func generateSecret() -> String {
        "whsec_" + SymmetricKey(size: .init(bitCount: 256)).withUnsafeBytes { Data($0).base64EncodedString() }
    }

    /// The three headers of one delivery.
    public func headers(id: String, timestamp: Date, body: [UInt8]) -> [String: String] {
        let seconds = String(Int64(timestamp.timeIntervalSince1970))
        var content = Array("\(id).\(seconds).".utf8)
        content += body
        let mac = HMAC<SHA256>.authenticationCode(for: content, using: key)
        return ["webhook-id": id, "webhook-timestamp": seconds, "webhook-signature": "v1," + Data(mac).base64EncodedString()]
    }
}

public struct WebhookSecretError: Error, CustomStringConvertible {
    public var description: String { "a webhook secret must be whsec_ followed by base64 of at least 24 random bytes" }
}
