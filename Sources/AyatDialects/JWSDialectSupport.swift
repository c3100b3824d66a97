import Foundation
import AyatCore
import AyatJOSE
import AyatPKI
import Crypto
import X509

/// The `kid` Ayat gives a certificate's key in the JSON dialects: lower-case hex
/// SHA-256 of the certificate's DER SubjectPublicKeyInfo (64 characters). It is
/// derived from the pinned certificate itself, so it needs no directory and no
/// SubjectKeyIdentifier extension, and it changes whenever the key does:
/// `openssl x509 -in cert.pem -pubkey -noout | openssl pkey -pubin -outform DER | sha256sum`.
public enum JWSKeyID {
    public static func of(_ certificate: Certificate) throws -> String {
        try of(certificate.publicKey)
    }

    public static func of(_ publicKey: Certificate.PublicKey) throws -> String {
        // The whole SubjectPublicKeyInfo (algorithm and key), not `subjectPublicKeyInfoBytes`,
        // which is only the key's BIT STRING contents.
        let spki = try publicKey.serializeAsPEM().derBytes
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for byte in SHA256.hash(data: spki) {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// What both JSON dialects share: our signer and `kid`, the pinned keys by `kid`,
/// the replay cache, and the translation of JOSE failures into dialect errors.
struct JWSDialectCore: Sendable {
    let signer: JWSSigner
    let keyID: String
    let pinned: [String: JWSVerificationKey]
    let replays: JWSReplayCache
    let refuseIdenticalResends: Bool
    let localParty: String?

    /// - Parameters:
    ///   - rsaAlgorithm: PS256 (`jws-detached`) or RS256 (`jws-header`); P-256 keys always sign ES256.
    init(
        identity: SigningIdentity, pinned certificates: [Certificate], rsaAlgorithm: JWSAlgorithm,
        replays: JWSReplayCache, refuseIdenticalResends: Bool, localParty: String?
    ) throws {
        do {
            switch identity.key {
            case .rsa(let key): signer = try JWSSigner(key: .rsa(key), algorithm: rsaAlgorithm)
            case .p256(let key): signer = try JWSSigner(key: .p256(key), algorithm: .es256)
            }
        } catch {
            throw DialectError(.malformed, "our signing key cannot sign JWS: \(error)")
        }
        keyID = try JWSKeyID.of(identity.certificate)
        var keys: [String: JWSVerificationKey] = [:]
        for certificate in certificates {
            guard let key = JWSVerificationKey(certificate.publicKey) else {
                throw DialectError(.malformed, "pinned certificate \(certificate.subject) has a key JWS cannot verify (RSA or P-256 expected)")
            }
            keys[try JWSKeyID.of(certificate)] = key
        }
        pinned = keys
        self.replays = replays
        self.refuseIdenticalResends = refuseIdenticalResends
        self.localParty = localParty
    }

    /// A JOSE failure as a dialect error: a stale `iat` is `.clockSkew`, everything else
    /// (bad signature, unknown `kid`, `alg: none`, HMAC, unknown `crit`, embedded keys,
    /// `b64` mismatch) is `.signatureInvalid`, with the JOSE code and reason kept in the text.
    static func dialectError(_ error: any Error, header: String) -> DialectError {
        guard let jws = error as? JWSError else {
            if let dialect = error as? DialectError { return dialect }
            return DialectError(.signatureInvalid, "\(header): \(error)")
        }
        if jws.code == .clockSkew { return DialectError(.clockSkew, "\(header): \(jws)") }
        return DialectError(.signatureInvalid, "\(header): \(jws)")
    }

    /// Reads the verified body, checks that it is the kind of message expected, the dialect's
    /// bindings (`before`), that it is addressed to us when we know who we are, and — last, so
    /// only a message that passed everything is recorded — that its id is not replayed.
    func accept(
        _ body: [UInt8], expecting: Expectation, at time: Date, before bindings: (JSONMessageBody.Read) throws -> Void
    ) throws -> JSONMessageBody.Read {
        let read = try JSONMessageBody.read(body)
        switch (expecting, read.message) {
        case (.order, .order), (.reply, .reply): break
        case (.order, _): throw DialectError(.malformed, "type: a \(read.type.rawValue) is not an order")
        case (.reply, _): throw DialectError(.malformed, "type: a \(read.type.rawValue) is not a reply")
        }
        try bindings(read)
        if let localParty, read.to != localParty {
            throw DialectError(.misaddressed, "header.to: the message is addressed to \"\(read.to)\", we are \"\(localParty)\"")
        }
        try checkReplay(read, body: body, at: time)
        return read
    }

    enum Expectation { case order, reply }

    private func checkReplay(_ read: JSONMessageBody.Read, body: [UInt8], at time: Date) throws {
        let digest = Array(SHA256.hash(data: body))
        switch replays.observe(messageID: read.messageID.rawValue, sender: read.from, digest: digest, at: time) {
        case .new:
            return
        case .identicalResend:
            if refuseIdenticalResends {
                throw DialectError(.replay, "header.messageId: \(read.messageID) from \(read.from) was already received (identical resend)")
            }
        case .conflicting(let firstSeen):
            throw DialectError(
                .replay,
                "header.messageId: \(read.messageID) from \(read.from) was used by a different message first seen at \(Timestamp.formatSeconds(firstSeen))")
        }
    }

    /// Outbound: the rendered body must pass the same rules as an inbound one before it is signed.
    static func validateOutbound(_ body: [UInt8], type: JSONMessageBody.MessageType) throws {
        do {
            _ = try JSONMessageBody.read(body)
        } catch let error as DialectError {
            throw DialectError(.schemaViolation, "outbound message does not match \(type.schema): \(error.reason)")
        }
    }
}
