import Foundation

/// One party's end of a dialect: it signs with its own identity and verifies
/// only against the peer's pinned certificates. The gateway renders orders and
/// reads replies; the simulated bank uses the same type for the bank's side,
/// so a dialect change shows at both ends at once.
public protocol DialectCodec: Sendable {
    var dialect: DialectName { get }

    /// Gateway → bank: render, validate, sign. `request` is the HTTP request the
    /// message will travel in (dialects that sign headers bind it).
    func renderOrder(_ instruction: OrderInstruction, request: HTTPRequestLine) throws -> RenderedMessage
    /// Bank side: verify, validate, read.
    func readOrder(_ bytes: [UInt8], headers: [String: String], request: HTTPRequestLine, at time: Date) throws -> OrderInstruction

    /// Bank → gateway, as a reply or a callback: render, validate, sign.
    func renderReply(_ reply: BankReply, request: HTTPRequestLine) throws -> RenderedMessage
    /// Gateway side: verify against the bank's pinned certificate, validate, read.
    func readReply(_ bytes: [UInt8], headers: [String: String], request: HTTPRequestLine, at time: Date) throws -> BankReply

    /// How long a signed message stays acceptable to the receiver (a JWS `iat` or
    /// FSPIOP date must be this fresh); nil when signatures do not age.
    var signatureLifetime: TimeInterval? { get }
}

extension DialectCodec {
    public var signatureLifetime: TimeInterval? { nil }
}

/// The HTTP method and target a message travels with. A synchronous reply
/// carries the line of the request it answers.
public struct HTTPRequestLine: Sendable, Hashable, CustomStringConvertible {
    public var method: String
    public var path: String
    public init(method: String, path: String) {
        self.method = method
        self.path = path
    }
    public var description: String { "\(method) \(path)" }
}
