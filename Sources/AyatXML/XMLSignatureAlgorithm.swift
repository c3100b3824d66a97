/// A SignatureMethod this library can produce and check. Growable: new algorithms are new
/// static members; each knows its XMLDSig URI.
public struct XMLSignatureAlgorithm: Sendable, Hashable, CustomStringConvertible {
    enum Family: Sendable, Hashable {
        case rsaPKCS1v15SHA256
        case rsaPSSSHA256
        case ecdsaP256SHA256
    }

    /// The `Algorithm` URI of ds:SignatureMethod.
    public let uri: String
    let family: Family

    public var description: String { uri }

    /// RSASSA-PKCS1-v1_5 with SHA-256 (RFC 6931 §2.3.2).
    public static let rsaSHA256 = XMLSignatureAlgorithm(
        uri: "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256", family: .rsaPKCS1v15SHA256)
    /// RSASSA-PSS with SHA-256, MGF1-SHA-256, salt length 32 (RFC 6931 §2.3.10), the URI xmlsec uses.
    public static let rsaPSSSHA256 = XMLSignatureAlgorithm(
        uri: "http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1", family: .rsaPSSSHA256)
    /// ECDSA on P-256 with SHA-256; the SignatureValue is the raw r‖s (64 bytes), not DER.
    public static let ecdsaP256SHA256 = XMLSignatureAlgorithm(
        uri: "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256", family: .ecdsaP256SHA256)

    /// Every algorithm this library implements.
    public static let all: [XMLSignatureAlgorithm] = [.rsaSHA256, .rsaPSSSHA256, .ecdsaP256SHA256]

    /// The implemented algorithm with this URI, if any.
    public init?(uri: String) {
        guard let found = Self.all.first(where: { $0.uri == uri }) else { return nil }
        self = found
    }

    private init(uri: String, family: Family) {
        self.uri = uri
        self.family = family
    }

    var isRSA: Bool { family != .ecdsaP256SHA256 }

    /// Why a known-but-refused SignatureMethod URI is refused, so logs say more than "forbidden".
    static func refusalReason(forUnlisted uri: String) -> String {
        let lowered = uri.lowercased()
        if lowered.contains("hmac") {
            return "SignatureMethod \(uri) is refused: shared-secret MACs cannot be pinned to a certificate"
        }
        if lowered.hasSuffix("sha1") || lowered.contains("-sha1") || lowered.contains("#sha1") {
            return "SignatureMethod \(uri) is refused by policy: SHA-1 is broken (practical collisions)"
        }
        if lowered.contains("md5") {
            return "SignatureMethod \(uri) is refused by policy: MD5 is broken"
        }
        if lowered.contains("dsa-") && !lowered.contains("ecdsa") {
            return "SignatureMethod \(uri) is refused by policy: DSA is not allowed"
        }
        return "SignatureMethod \(uri) is not allowed by the verification policy"
    }
}
