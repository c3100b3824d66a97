import Foundation

/// One party's end of a dialect: it signs with its own identity and verifies
/// only against the peer's pinned certificates. The gateway uses the
/// order-side methods; the simulated bank uses the same type for the bank's side,
/// so a dialect change shows at both ends at once.
public protocol DialectCodec: Sendable {
    var dialect: DialectName { get }

    /// Gateway → bank: render, validate, sign.
    func renderFreeze(_ instruction: FreezeInstruction) throws -> RenderedMessage
    /// Bank side: verify, validate, read.
    func readFreeze(_ bytes: [UInt8], headers: [String: String], at time: Date) throws -> FreezeInstruction

    /// Bank → gateway: render, validate, sign.
    func renderReceipt(_ receipt: Receipt) throws -> RenderedMessage
    /// Gateway side: verify against the bank's pinned certificate, validate, read.
    func readReceipt(_ bytes: [UInt8], headers: [String: String], at time: Date) throws -> Receipt
}
