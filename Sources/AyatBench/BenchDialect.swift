import AyatDialects
import AyatPKI

/// A dialect with the key type its messages are signed with: what one end-to-end run speaks.
public struct BenchDialect: Hashable, Sendable, CustomStringConvertible {
    public let name: String
    public let dialect: DialectName
    public let keys: SigningKeyAlgorithm
    /// What `openssl speed` measures for the same key: the machine's raw signing rate.
    public let opensslAlgorithm: String

    public static let rsaXML = BenchDialect(name: "rsa-xml", dialect: .xmlEnveloped, keys: .rsa2048, opensslAlgorithm: "rsa2048")
    public static let ecdsaXML = BenchDialect(name: "ecdsa-xml", dialect: .xmlEnveloped, keys: .p256, opensslAlgorithm: "ecdsap256")
    public static let es256JWS = BenchDialect(name: "es256-jws", dialect: .jwsDetached, keys: .p256, opensslAlgorithm: "ecdsap256")
    public static let rsaBAH = BenchDialect(name: "rsa-bah", dialect: .iso20022BAH, keys: .rsa2048, opensslAlgorithm: "rsa2048")
    public static let ps256JWS = BenchDialect(name: "ps256-jws", dialect: .jwsDetached, keys: .rsa2048, opensslAlgorithm: "rsa2048")

    public static let all: [BenchDialect] = [.rsaXML, .ecdsaXML, .es256JWS, .rsaBAH, .ps256JWS]

    public init?(named name: String) {
        guard let known = Self.all.first(where: { $0.name == name }) else { return nil }
        self = known
    }

    private init(name: String, dialect: DialectName, keys: SigningKeyAlgorithm, opensslAlgorithm: String) {
        self.name = name
        self.dialect = dialect
        self.keys = keys
        self.opensslAlgorithm = opensslAlgorithm
    }

    public var description: String { "\(name) (\(dialect.rawValue), \(keys.rawValue))" }
}
