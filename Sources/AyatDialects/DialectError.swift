/// A message that a dialect cannot produce or will not accept, with the reason.
public struct DialectError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public static let schemaViolation = Code(rawValue: "schema-violation")
        public static let signatureInvalid = Code(rawValue: "signature-invalid")
        public static let malformed = Code(rawValue: "malformed")
        public static let misaddressed = Code(rawValue: "misaddressed")
        public var description: String { rawValue }
    }

    public let code: Code
    public let reason: String

    public init(_ code: Code, _ reason: String) {
        self.code = code
        self.reason = reason
    }

    public var description: String { "\(code): \(reason)" }

    public static func == (lhs: DialectError, rhs: DialectError) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
