import COpenSSL
import Crypto
import _CryptoExtras

/// An RSA private key that signs through the system's OpenSSL and answers everything else
/// (its public half, its size, its PEM) through swift-crypto.
///
/// The private-key operation is the single largest cost of an RSA-signed order. OpenSSL 3
/// has AVX-512 IFMA kernels for 2048-bit moduli that BoringSSL lacks: on the machines Ayat
/// runs on, it signs RSA-2048 about twice as fast (4,800 against 2,200 signatures/s on one
/// core). Both libraries make the same signature: PKCS #1 v1.5 is deterministic, and the
/// tests compare the two byte for byte; PSS is checked by verifying with swift-crypto.
public struct RSASigningKey: Sendable {
    /// The same key in swift-crypto's form: its public half goes into certificates and verifiers.
    public let swiftCryptoKey: _RSA.Signing.PrivateKey
    private let native: OpenSSLPrivateKey

    public enum Padding: Sendable {
        /// RSASSA-PKCS1-v1_5 (RS256, XMLDSig rsa-sha256).
        case pkcs1v15
        /// RSASSA-PSS with MGF1 over the message digest's hash and a salt as long as that
        /// digest (PS256, PS384, XMLDSig sha256-rsa-MGF1): what RFC 7518 §3.5 requires.
        case pss
    }

    public init(_ key: _RSA.Signing.PrivateKey) throws {
        swiftCryptoKey = key
        native = try OpenSSLPrivateKey(pkcs8DER: Array(key.pkcs8DERRepresentation))
    }

    /// A fresh key (development PKI, tests).
    public static func generate(bits: Int = 2048) throws -> RSASigningKey {
        try RSASigningKey(_RSA.Signing.PrivateKey(keySize: .init(bitCount: bits)))
    }

    public var publicKey: _RSA.Signing.PublicKey { swiftCryptoKey.publicKey }
    public var keySizeInBits: Int { swiftCryptoKey.keySizeInBits }

    /// The signature over a message whose digest the caller computed: SHA-256, SHA-384 or SHA-512.
    public func signature<D: Digest>(for digest: D, padding: Padding) throws -> [UInt8] {
        try digest.withUnsafeBytes { bytes in
            try native.sign(digest: bytes, padding: padding)
        }
    }
}

/// Why OpenSSL could not load a key or make a signature, with OpenSSL's own first reason.
public struct RSASigningError: Error, CustomStringConvertible {
    public let description: String

    init(_ what: String) {
        let code = ERR_get_error()
        ERR_clear_error()
        if code == 0 {
            description = what
        } else {
            var text = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &text, text.count)
            description = "\(what): \(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))"
        }
    }
}

/// Owns one EVP_PKEY. OpenSSL 3 keys are immutable once loaded and safe to sign with from
/// several threads at once (each signature has its own EVP_PKEY_CTX), hence `@unchecked`.
final class OpenSSLPrivateKey: @unchecked Sendable {
    private let key: OpaquePointer

    init(pkcs8DER der: [UInt8]) throws {
        let loaded: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return d2i_AutoPrivateKey(nil, &cursor, buffer.count)
        }
        guard let loaded else { throw RSASigningError("OpenSSL cannot read the RSA private key") }
        guard EVP_PKEY_get_base_id(loaded) == EVP_PKEY_RSA else {
            EVP_PKEY_free(loaded)
            throw RSASigningError("not an RSA private key")
        }
        key = loaded
    }

    deinit { EVP_PKEY_free(key) }

    func sign(digest: UnsafeRawBufferPointer, padding: RSASigningKey.Padding) throws -> [UInt8] {
        let hash: OpaquePointer? = switch digest.count {
        case 32: EVP_sha256()
        case 48: EVP_sha384()
        case 64: EVP_sha512()
        default: nil
        }
        guard let hash else { throw RSASigningError("no RSA signature over a \(digest.count)-byte digest") }
        guard let context = EVP_PKEY_CTX_new(key, nil) else { throw RSASigningError("OpenSSL cannot make a signing context") }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_sign_init(context) == 1, EVP_PKEY_CTX_set_signature_md(context, hash) == 1 else {
            throw RSASigningError("OpenSSL cannot start an RSA signature")
        }
        switch padding {
        case .pkcs1v15:
            guard EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PADDING) == 1 else {
                throw RSASigningError("OpenSSL refuses PKCS #1 v1.5 padding")
            }
        case .pss:
            guard EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PSS_PADDING) == 1,
                  EVP_PKEY_CTX_set_rsa_mgf1_md(context, hash) == 1,
                  EVP_PKEY_CTX_set_rsa_pss_saltlen(context, RSA_PSS_SALTLEN_DIGEST) == 1
            else { throw RSASigningError("OpenSSL refuses PSS padding") }
        }
        var length = 0
        guard EVP_PKEY_sign(context, nil, &length, digest.baseAddress, digest.count) == 1 else {
            throw RSASigningError("OpenSSL cannot size the RSA signature")
        }
        var signature = [UInt8](repeating: 0, count: length)
        let status = signature.withUnsafeMutableBufferPointer { output in
            EVP_PKEY_sign(context, output.baseAddress, &length, digest.baseAddress, digest.count)
        }
        guard status == 1 else { throw RSASigningError("OpenSSL cannot make the RSA signature") }
        signature.removeSubrange(length...)
        return signature
    }
}
