import AyatPKI
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
}
