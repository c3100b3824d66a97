import Foundation
import AyatPKI
import AyatXML
import X509

/// The dialects Ayat speaks, by name: a new bank with a known dialect is a profile, not code.
public enum DialectRegistry {
    public static let known: [DialectName] = [.xmlEnveloped, .iso20022BAH, .jwsDetached, .jwsHeader]

    /// Our end of `dialect`: signing as `identity`, trusting only `pinned`.
    public static func codec(for dialect: DialectName, identity: SigningIdentity, pinned: [Certificate]) throws -> any DialectCodec {
        switch dialect {
        case .xmlEnveloped:
            return try XMLEnvelopedCodec(identity: identity, pinned: pinned)
        case .iso20022BAH:
            return try ISO20022BAHCodec(identity: identity, pinned: pinned)
        case .jwsDetached:
            return try JWSDetachedCodec(identity: identity, pinned: pinned)
        case .jwsHeader:
            return try JWSHeaderCodec(identity: identity, pinned: pinned)
        default:
            throw DialectError(.malformed, "unknown dialect \"\(dialect)\"; known: \(known.map(\.rawValue).joined(separator: ", "))")
        }
    }

    /// Checks a stored message's signature against `pinned` at `time`, for an
    /// auditor: nothing else is read. Throws the reason when it does not verify.
    public static func verifySignature(
        dialect: DialectName, bytes: [UInt8], headers: [String: String], requestLine: String?,
        pinned: [Certificate], at time: Date
    ) throws {
        switch dialect {
        case .xmlEnveloped, .iso20022BAH:
            _ = try XMLSignatureVerifier(pinned: pinned).verify(bytes, at: time)
        default:
            guard let verify = signatureCheckers[dialect] else {
                throw DialectError(.malformed, "no signature check for dialect \(dialect)")
            }
            try verify(bytes, headers, requestLine, pinned, time)
        }
    }

    /// Signature checks of the dialects that sign outside the body (JSON dialects).
    typealias SignatureCheck = @Sendable ([UInt8], [String: String], String?, [Certificate], Date) throws -> Void
    static let signatureCheckers: [DialectName: SignatureCheck] = [
        .jwsDetached: JWSSignatureChecks.detached,
        .jwsHeader: JWSSignatureChecks.header,
    ]
}
