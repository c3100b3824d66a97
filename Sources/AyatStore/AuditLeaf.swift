import Foundation
import AyatAudit
import AyatCore

/// The bytes of one audit-log leaf: a stored message exactly as it travelled,
/// with what it was (direction, bank, dialect, order, case, time, and for
/// JSON dialects the HTTP request line and signature headers).
///
/// The format is plain text so that an auditor can read and re-hash it with
/// any tool: `ayat-audit-leaf/v1`, then `name: value` lines, a blank line,
/// and the message bytes (`length` of them). The leaf hash is RFC 6962's
/// `SHA-256(0x00 ‖ leaf)`.
public struct AuditLeaf: Sendable, Hashable {
    public static let format = "ayat-audit-leaf/v1"

    public var direction: MessageDirection
    public var bank: BankCode
    public var dialect: String
    public var kind: String
    public var messageID: MessageID?
    public var orderID: OrderID
    public var caseID: String
    public var recordedAt: Date
    public var contentType: String
    public var requestLine: String?
    public var headers: [String: String]
    public var bytes: [UInt8]

    public init(message: StoredMessage, caseID: String) {
        direction = message.direction
        bank = message.bank
        dialect = message.dialect
        kind = message.kind
        messageID = message.messageID
        orderID = message.orderID
        self.caseID = caseID
        recordedAt = message.recordedAt
        contentType = message.contentType
        requestLine = message.requestLine
        headers = message.headers
        bytes = message.bytes
    }

    public func encoded() -> [UInt8] {
        var text = "\(Self.format)\n"
        func line(_ name: String, _ value: String?) {
            guard let value else { return }
            text += "\(name): \(Self.clean(value))\n"
        }
        line("direction", direction.rawValue)
        line("bank", bank.rawValue)
        line("dialect", dialect)
        line("kind", kind)
        line("message-id", messageID?.rawValue)
        line("order", orderID.rawValue)
        line("case", caseID)
        line("recorded-at", Timestamp.format(recordedAt))
        line("content-type", contentType)
        line("request", requestLine)
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
            line("header", "\(name.lowercased()): \(value)")
        }
        line("length", String(bytes.count))
        text += "\n"
        return Array(text.utf8) + bytes
    }

    public var leafHash: MerkleDigest { MerkleHash.leaf(encoded()) }

    /// Reads a leaf back (an auditor's bundle holds them as files).
    public init(parsing leaf: [UInt8]) throws {
        guard let separator = leaf.firstRange(of: [0x0A, 0x0A]) else { throw StoreError("leaf has no blank line before the message") }
        let head = String(decoding: leaf[..<separator.lowerBound], as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard head.first == Substring(Self.format) else { throw StoreError("leaf does not start with \(Self.format)") }
        var fields = [String: String]()
        var headers = [String: String]()
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { throw StoreError("leaf line without a name: \(line)") }
            let name = String(line[..<colon])
            let value = String(line[line.index(after: colon)...].dropFirst())
            if name == "header", let inner = value.firstIndex(of: ":") {
                headers[String(value[..<inner])] = String(value[value.index(after: inner)...].dropFirst())
            } else {
                fields[name] = value
            }
        }
        let body = Array(leaf[separator.upperBound...])
        guard let lengthText = fields["length"], Int(lengthText) == body.count else {
            throw StoreError("leaf length does not match its message bytes")
        }
        guard let direction = fields["direction"].flatMap(MessageDirection.init(rawValue:)),
              let bank = fields["bank"].flatMap(BankCode.init), let dialect = fields["dialect"], let kind = fields["kind"],
              let order = fields["order"], let caseID = fields["case"],
              let recorded = fields["recorded-at"].flatMap(Timestamp.parse), let contentType = fields["content-type"] else {
            throw StoreError("leaf lacks a required field")
        }
        self.direction = direction
        self.bank = bank
        self.dialect = dialect
        self.kind = kind
        self.messageID = fields["message-id"].map(MessageID.init(rawValue:))
        self.orderID = OrderID(rawValue: order)
        self.caseID = caseID
        self.recordedAt = recorded
        self.contentType = contentType
        self.requestLine = fields["request"]
        self.headers = headers
        self.bytes = body
    }

    /// Header values come from the network: no line breaks may reach the leaf's head.
    private static func clean(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A }) else { return value }
        return String(decoding: value.utf8.map { $0 == 0x0D || $0 == 0x0A ? 0x20 : $0 }, as: UTF8.self)
    }
}
