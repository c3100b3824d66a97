/// What the case system asks a bank to do.
public struct OrderKind: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    /// Place a hold on an account that received scam money.
    public static let freeze = OrderKind(rawValue: "freeze")
    /// Lift a hold: the legal window ended without a police complaint, or a court said so.
    public static let release = OrderKind(rawValue: "release")
    /// Return held money to the victim (the fields of ISO 20022 pacs.004 where they fit).
    public static let refund = OrderKind(rawValue: "refund")

    public static let all: [OrderKind] = [.freeze, .release, .refund]

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
