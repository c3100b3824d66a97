import Foundation
import AyatJOSE
import X509

/// Signature-only checks of the JSON dialects, for auditors and `ayat verify`:
/// the JWS must verify against one of the pinned certificates (by kid), at the
/// time the message was recorded. Nothing else about the message is judged.
enum JWSSignatureChecks {
    /// Keys by kid, from the pinned certificates valid at `time` (a signature
    /// by a key whose certificate had expired, or was not yet valid, proves nothing).
    static func pinnedKeys(_ certificates: [Certificate], at time: Date) throws -> [String: JWSVerificationKey] {
        var keys = [String: JWSVerificationKey]()
        let valid = certificates.filter { $0.notValidBefore <= time && time <= $0.notValidAfter }
        if valid.isEmpty, let first = certificates.first {
            throw DialectError(.signatureInvalid, "certificate \(first.subject) is not valid at \(time) (valid \(first.notValidBefore) to \(first.notValidAfter))")
        }
        for certificate in valid {
            guard let key = JWSVerificationKey(certificate.publicKey) else {
                throw DialectError(.signatureInvalid, "certificate \(certificate.subject) has no usable public key")
            }
            keys[try JWSKeyID.of(certificate)] = key
        }
        return keys
    }

    static func detached(_ bytes: [UInt8], _ headers: [String: String], _ requestLine: String?, _ pinned: [Certificate], _ time: Date) throws {
        guard let token = headers[JWSDetachedCodec.signatureHeader] else {
            throw DialectError(.signatureInvalid, "\(JWSDetachedCodec.signatureHeader) header is missing")
        }
        let keys = try pinnedKeys(pinned, at: time)
        let unencoded = token.split(separator: ".").first.flatMap { try? Base64URL.decode($0) }
            .map { String(decoding: $0, as: UTF8.self).contains("\"b64\":false") } ?? false
        do {
            _ = try JWSVerifier(pinned: keys, policy: JWSDetachedCodec.policy(unencodedPayload: unencoded)).verifyDetached(token, payload: bytes, at: time)
        } catch {
            throw DialectError(.signatureInvalid, "\(error)")
        }
    }

    static func header(_ bytes: [UInt8], _ headers: [String: String], _ requestLine: String?, _ pinned: [Certificate], _ time: Date) throws {
        guard let value = headers[JWSHeaderCodec.signatureHeader] else {
            throw DialectError(.signatureInvalid, "\(JWSHeaderCodec.signatureHeader) header is missing")
        }
        let token = try JWSHeaderCodec.detachedToken(value)
        do {
            let verified = try JWSVerifier(pinned: try pinnedKeys(pinned, at: time), policy: JWSHeaderCodec.policy()).verifyDetached(token, payload: bytes, at: time)
            // The signed request line must be the one the message travelled with.
            if let requestLine {
                let parts = requestLine.split(separator: " ", maxSplits: 1).map(String.init)
                if parts.count == 2, verified.header["FSPIOP-HTTP-Method"]?.stringValue != parts[0] || verified.header["FSPIOP-URI"]?.stringValue != parts[1] {
                    throw DialectError(.signatureInvalid, "the signature binds another request than \(requestLine)")
                }
            }
        } catch let error as DialectError {
            throw error
        } catch {
            throw DialectError(.signatureInvalid, "\(error)")
        }
    }
}
