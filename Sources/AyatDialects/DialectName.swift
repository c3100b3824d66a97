/// The name of a bank message dialect, as profiles spell it.
public struct DialectName: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    /// One XML root with an enveloped XMLDSig signature as its last child (modelled on Pix DICT).
    public static let xmlEnveloped = DialectName(rawValue: "xml-enveloped")
    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
