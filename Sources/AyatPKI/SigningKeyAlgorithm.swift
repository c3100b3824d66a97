/// The key type of a message-signing identity.
public struct SigningKeyAlgorithm: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let rsa2048 = SigningKeyAlgorithm(rawValue: "rsa-2048")
    public static let p256 = SigningKeyAlgorithm(rawValue: "p-256")
    public var description: String { rawValue }
}
