import Foundation
import AyatCore

/// Which way a message travelled, seen from the gateway.
public enum MessageDirection: String, Sendable, Codable, Hashable {
    case outbound = "out"
    case inbound = "in"
}

/// A message exactly as it went on or came off the wire. `bytes` is never re-encoded.
public struct StoredMessage: Sendable, Hashable {
    public var messageID: MessageID?
    public var orderID: OrderID
    public var direction: MessageDirection
    public var bank: BankCode
    public var dialect: String
    /// What the message is in its conversation: "freeze-order", "receipt", ...
    public var kind: String
    public var contentType: String
    public var recordedAt: Date
    public var bytes: [UInt8]
    /// Signature-bearing HTTP headers, for dialects that sign in headers.
    public var headers: [String: String]
    /// The HTTP request the message travelled in, or answered ("POST /ayat/v1/messages").
    public var requestLine: String?

    public init(
        messageID: MessageID?, orderID: OrderID, direction: MessageDirection, bank: BankCode, dialect: String,
        kind: String, contentType: String, recordedAt: Date, bytes: [UInt8], headers: [String: String] = [:],
        requestLine: String? = nil
    ) {
        self.messageID = messageID
        self.orderID = orderID
        self.direction = direction
        self.bank = bank
        self.dialect = dialect
        self.kind = kind
        self.contentType = contentType
        self.recordedAt = recordedAt
        self.bytes = bytes
        self.headers = headers
        self.requestLine = requestLine
    }
}
