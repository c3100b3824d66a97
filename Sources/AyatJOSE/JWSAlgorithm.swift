/// A JWS `alg` value (RFC 7518 §3.1). A struct rather than an enum so the set can grow; any
/// name can be represented (to report it), but only the static members are implemented.
public struct JWSAlgorithm: Sendable, Hashable, CustomStringConvertible {
    public let name: String

    public init(name: String) {
        self.name = name
    }

    public var description: String { name }

    /// RSASSA-PKCS1-v1_5 with SHA-256.
    public static let rs256 = JWSAlgorithm(name: "RS256")
    /// RSASSA-PSS with SHA-256, MGF1-SHA-256, 32-byte salt.
    public static let ps256 = JWSAlgorithm(name: "PS256")
    /// RSASSA-PSS with SHA-384, MGF1-SHA-384, 48-byte salt (RFC 7520 §4.2 uses it).
    public static let ps384 = JWSAlgorithm(name: "PS384")
    /// ECDSA P-256 with SHA-256, signature r‖s (64 bytes).
    public static let es256 = JWSAlgorithm(name: "ES256")
    /// ECDSA P-521 with SHA-512, signature r‖s (132 bytes) (RFC 7515 A.4, RFC 7520 §4.3 use it).
    public static let es512 = JWSAlgorithm(name: "ES512")
    /// HMAC with SHA-256: named only so it can be recognised and refused — keys here are public.
    public static let hs256 = JWSAlgorithm(name: "HS256")
    /// `alg: none`, the Unsecured JWS marker: named so it can be refused, never used.
    /// (Not called `.none`, which would read as `Optional.none` next to an optional algorithm.)
    public static let unsecured = JWSAlgorithm(name: "none")

    enum Family {
        case rsaPKCS1v15
        case rsaPSS
        case ecdsa
        case hmac
        case none
        case unknown
    }

    var family: Family {
        switch name {
        case "RS256": .rsaPKCS1v15
        case "PS256", "PS384": .rsaPSS
        case "ES256", "ES512": .ecdsa
        case "HS256", "HS384", "HS512": .hmac
        case "none": .none
        default: .unknown
        }
    }
}
