import Foundation
import AyatCore

/// A bank's signed answer to an order: it has the order (accepted) or refuses it (rejected).
public struct Receipt: Sendable, Hashable {
    public struct Status: Hashable, Sendable, CustomStringConvertible {
        /// ISO 20022 status codes, as banks already use them.
        public let code: String
        public init(code: String) { self.code = code }
        public static let accepted = Status(code: "ACCP")
        public static let rejected = Status(code: "RJCT")
        public var description: String { code }
    }

    public var messageID: MessageID
    public var originalMessageID: MessageID
    public var bank: BankCode
    /// Whom the receipt is addressed to: the centre's identifier.
    public var recipient: String
    public var createdAt: Date
    public var status: Status
    /// ISO 20022-style reason code for a rejection, e.g. `AC01` (incorrect account number).
    public var reasonCode: String?
    public var reasonText: String?

    public init(
        messageID: MessageID, originalMessageID: MessageID, bank: BankCode, recipient: String, createdAt: Date,
        status: Status, reasonCode: String? = nil, reasonText: String? = nil
    ) {
        self.messageID = messageID
        self.originalMessageID = originalMessageID
        self.bank = bank
        self.recipient = recipient
        self.createdAt = createdAt
        self.status = status
        self.reasonCode = reasonCode
        self.reasonText = reasonText
    }
}
