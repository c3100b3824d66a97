import CLibXML2

/// A Reference transform or a canonicalisation method (the canonicalisation URIs serve as both).
/// Only those with a static member here are implemented; policies choose among them.
public struct XMLTransform: Sendable, Hashable, CustomStringConvertible {
    enum Kind: Sendable, Hashable {
        case envelopedSignature
        case canonicalization(mode: Canonicalization, withComments: Bool)
    }

    enum Canonicalization: Sendable, Hashable {
        case exclusive, inclusive10, inclusive11

        var libxml2Mode: Int32 {
            switch self {
            case .exclusive: Int32(XML_C14N_EXCLUSIVE_1_0.rawValue)
            case .inclusive10: Int32(XML_C14N_1_0.rawValue)
            case .inclusive11: Int32(XML_C14N_1_1.rawValue)
            }
        }
    }

    public let uri: String
    let kind: Kind

    public var description: String { uri }

    /// Removes the Signature containing the Reference from the node set.
    public static let envelopedSignature = XMLTransform(
        uri: "http://www.w3.org/2000/09/xmldsig#enveloped-signature", kind: .envelopedSignature)
    public static let exclusiveC14N = XMLTransform(
        uri: "http://www.w3.org/2001/10/xml-exc-c14n#", kind: .canonicalization(mode: .exclusive, withComments: false))
    public static let exclusiveC14NWithComments = XMLTransform(
        uri: "http://www.w3.org/2001/10/xml-exc-c14n#WithComments",
        kind: .canonicalization(mode: .exclusive, withComments: true))
    public static let inclusiveC14N = XMLTransform(
        uri: "http://www.w3.org/TR/2001/REC-xml-c14n-20010315",
        kind: .canonicalization(mode: .inclusive10, withComments: false))
    public static let inclusiveC14NWithComments = XMLTransform(
        uri: "http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments",
        kind: .canonicalization(mode: .inclusive10, withComments: true))
    public static let inclusiveC14N11 = XMLTransform(
        uri: "http://www.w3.org/2006/12/xml-c14n11", kind: .canonicalization(mode: .inclusive11, withComments: false))
    public static let inclusiveC14N11WithComments = XMLTransform(
        uri: "http://www.w3.org/2006/12/xml-c14n11#WithComments",
        kind: .canonicalization(mode: .inclusive11, withComments: true))

    public static let all: [XMLTransform] = [
        .envelopedSignature, .exclusiveC14N, .exclusiveC14NWithComments, .inclusiveC14N,
        .inclusiveC14NWithComments, .inclusiveC14N11, .inclusiveC14N11WithComments,
    ]

    public init?(uri: String) {
        guard let found = Self.all.first(where: { $0.uri == uri }) else { return nil }
        self = found
    }

    private init(uri: String, kind: Kind) {
        self.uri = uri
        self.kind = kind
    }

    var isCanonicalization: Bool {
        if case .canonicalization = kind { return true }
        return false
    }

    static func refusalReason(forUnlisted uri: String) -> String {
        let lowered = uri.lowercased()
        if lowered.contains("xslt") {
            return "Transform \(uri) is refused: XSLT can rewrite what is signed"
        }
        if lowered.contains("xpath") || lowered.contains("xmldsig-filter") {
            return "Transform \(uri) is refused: XPath filters can select content other than what is read"
        }
        if lowered.hasSuffix("#base64") {
            return "Transform \(uri) is refused by the verification policy"
        }
        return "Transform \(uri) is not allowed by the verification policy"
    }
}
