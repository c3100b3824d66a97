import Foundation
import AyatCore

/// A bank's signed report that it carried out an order (or could not).
public struct ExecutionResult: Sendable, Hashable {
    public struct Status: Hashable, Sendable, CustomStringConvertible {
        public let code: String
        public init(code: String) { self.code = code }
        /// Carried out: the hold is placed, the hold is lifted, the money is returned.
        public static let executed = Status(code: "EXEC")
        /// Accepted earlier, but could not be carried out.
        public static let failed = Status(code: "FAIL")
        public var description: String { code }
    }

    public var messageID: MessageID
    public var originalMessageID: MessageID
    public var bank: BankCode
    public var recipient: String
    public var createdAt: Date
    public var kind: OrderKind
    public var status: Status
    public var outcome: ExecutionOutcome
    public var reasonCode: String?
    public var reasonText: String?

    public init(
        messageID: MessageID, originalMessageID: MessageID, bank: BankCode, recipient: String, createdAt: Date,
        kind: OrderKind, status: Status, outcome: ExecutionOutcome, reasonCode: String? = nil, reasonText: String? = nil
    ) {
        self.messageID = messageID
        self.originalMessageID = originalMessageID
        self.bank = bank
        self.recipient = recipient
        self.createdAt = createdAt
        self.kind = kind
        self.status = status
        self.outcome = outcome
        self.reasonCode = reasonCode
        self.reasonText = reasonText
    }
}

/// Whatever a bank sends back about an order: a receipt (it has the order)
/// or an execution result (it carried it out). Sync banks may answer with the
/// result straight away.
public enum BankReply: Sendable, Hashable {
    case receipt(Receipt)
    case result(ExecutionResult)

    public var messageID: MessageID {
        switch self {
        case .receipt(let receipt): receipt.messageID
        case .result(let result): result.messageID
        }
    }

    public var originalMessageID: MessageID {
        switch self {
        case .receipt(let receipt): receipt.originalMessageID
        case .result(let result): result.originalMessageID
        }
    }

    public var bank: BankCode {
        switch self {
        case .receipt(let receipt): receipt.bank
        case .result(let result): result.bank
        }
    }

    /// The stored message kind: "receipt" or "execution-result".
    public var kind: String {
        switch self {
        case .receipt: "receipt"
        case .result: "execution-result"
        }
    }
}
