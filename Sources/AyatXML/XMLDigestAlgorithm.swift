import Crypto

/// A DigestMethod allowed in References. SHA-1 and MD5 deliberately have no member here,
/// so no policy can ever allow them.
public struct XMLDigestAlgorithm: Sendable, Hashable, CustomStringConvertible {
    enum Family: Sendable, Hashable { case sha256, sha384, sha512 }

    /// The `Algorithm` URI of ds:DigestMethod.
    public let uri: String
    let family: Family

    public var description: String { uri }

    public static let sha256 = XMLDigestAlgorithm(uri: "http://www.w3.org/2001/04/xmlenc#sha256", family: .sha256)
    public static let sha384 = XMLDigestAlgorithm(uri: "http://www.w3.org/2001/04/xmldsig-more#sha384", family: .sha384)
    public static let sha512 = XMLDigestAlgorithm(uri: "http://www.w3.org/2001/04/xmlenc#sha512", family: .sha512)

    public static let all: [XMLDigestAlgorithm] = [.sha256, .sha384, .sha512]

    public init?(uri: String) {
        guard let found = Self.all.first(where: { $0.uri == uri }) else { return nil }
        self = found
    }

    private init(uri: String, family: Family) {
        self.uri = uri
        self.family = family
    }

    /// Hashes bytes without copying them.
    func digest(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        switch family {
        case .sha256: Array(SHA256.hash(data: bytes))
        case .sha384: Array(SHA384.hash(data: bytes))
        case .sha512: Array(SHA512.hash(data: bytes))
        }
    }

    static func refusalReason(forUnlisted uri: String) -> String {
        let lowered = uri.lowercased()
        if lowered.hasSuffix("#sha1") {
            return "DigestMethod \(uri) is refused by policy: SHA-1 is broken (practical collisions)"
        }
        if lowered.hasSuffix("#md5") {
            return "DigestMethod \(uri) is refused by policy: MD5 is broken"
        }
        return "DigestMethod \(uri) is not allowed by the verification policy"
    }
}
