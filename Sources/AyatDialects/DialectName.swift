/// The name of a bank message dialect, as profiles spell it.
public struct DialectName: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    /// One XML root with an enveloped XMLDSig signature as its last child (modelled on Pix DICT).
    public static let xmlEnveloped = DialectName(rawValue: "xml-enveloped")
    /// ISO 20022 Business Application Header + Document, signed in `AppHdr/Sgntr`.
    public static let iso20022BAH = DialectName(rawValue: "iso20022-bah")
    /// JSON body, `x-jws-signature: header..signature` over the exact bytes (modelled on UK Open Banking).
    public static let jwsDetached = DialectName(rawValue: "jws-detached")
    /// JSON body, a JWS header binding method, URI, source and destination (modelled on Mojaloop FSPIOP).
    public static let jwsHeader = DialectName(rawValue: "jws-header")
    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
