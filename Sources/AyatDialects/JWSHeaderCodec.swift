import Foundation
import AyatPKI
import X509

/// Placeholder until the dialect lands: refuses to render or read anything.
public struct JWSHeaderCodec: DialectCodec {
    public var dialect: DialectName { .jwsHeader }

    public init(identity: SigningIdentity, pinned: [Certificate]) throws {}

    public func renderOrder(_ instruction: OrderInstruction, request: HTTPRequestLine) throws -> RenderedMessage {
        throw DialectError(.malformed, "dialect \(dialect) is not implemented yet")
    }
    public func readOrder(_ bytes: [UInt8], headers: [String: String], request: HTTPRequestLine, at time: Date) throws -> OrderInstruction {
        throw DialectError(.malformed, "dialect \(dialect) is not implemented yet")
    }
    public func renderReply(_ reply: BankReply, request: HTTPRequestLine) throws -> RenderedMessage {
        throw DialectError(.malformed, "dialect \(dialect) is not implemented yet")
    }
    public func readReply(_ bytes: [UInt8], headers: [String: String], request: HTTPRequestLine, at time: Date) throws -> BankReply {
        throw DialectError(.malformed, "dialect \(dialect) is not implemented yet")
    }
}
