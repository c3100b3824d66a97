import Foundation
import AyatCore
import AyatJOSE

/// The business content of orders and replies in the JSON dialects, shared by
/// `jws-detached` and `jws-header` so that only the signature differs (the JSON
/// counterpart of `XMLMessageBody`). The contract is `schemas/json-*.schema.json`.
///
/// Every message is one object: a `type` discriminator, a `header` (message id,
/// creation time, from, to) and one body member (`order`, `receipt` or `result`).
/// Output is compact, members in schema order, and text is written as UTF-8, never
/// `\u`-escaped, so Thai names travel byte for byte. Amounts are decimal strings
/// with their currency: `{"value": "15000.50", "currency": "THB"}`.
enum JSONMessageBody {
    /// The `type` discriminator of each message.
    enum MessageType: String, CaseIterable {
        case freezeOrder = "freeze-order"
        case releaseOrder = "release-order"
        case refundOrder = "refund-order"
        case receipt = "receipt"
        case executionResult = "execution-result"

        init(kind: OrderKind) {
            switch kind {
            case .release: self = .releaseOrder
            case .refund: self = .refundOrder
            default: self = .freezeOrder
            }
        }

        var orderKind: OrderKind? {
            switch self {
            case .freezeOrder: .freeze
            case .releaseOrder: .release
            case .refundOrder: .refund
            default: nil
            }
        }

        /// The schema in `schemas/` this message must match.
        var schema: String {
            switch self {
            case .freezeOrder, .releaseOrder, .refundOrder: "json-order.schema.json"
            case .receipt: "json-receipt.schema.json"
            case .executionResult: "json-execution-result.schema.json"
            }
        }
    }

    static let contentType = "application/json"

    /// Bounds for parsing an untrusted body (the body is small; 100 onward transfers at most).
    static let parseLimits = JOSEHeader.ParseLimits(maxBytes: 1 << 20, maxDepth: 8, maxValues: 4096)

    // MARK: Rendering

    static func header(messageID: MessageID, createdAt: Date, from: String, to: String) -> JSONValue {
        [
            "messageId": .string(messageID.rawValue),
            "createdAt": .string(Timestamp.formatSeconds(createdAt)),
            "from": .string(from),
            "to": .string(to),
        ]
    }

    static func amount(_ money: Money) -> JSONValue {
        ["value": .string(money.decimalString), "currency": .string(money.currency.code)]
    }

    static func reason(code: String?, text: String?) -> JSONValue? {
        guard let code else { return nil }
        var reason = JSONObject([("code", .string(code))])
        if let text { reason["text"] = .string(text) }
        return .object(reason)
    }

    static func order(_ instruction: OrderInstruction) -> [UInt8] {
        var order = JSONObject([
            ("orderId", .string(instruction.orderID.rawValue)),
            ("caseId", .string(instruction.caseID.rawValue)),
            ("account", [
                "number": .string(instruction.account.number.rawValue),
                "holderName": .string(instruction.account.holderName.rawValue),
            ]),
            ("amount", amount(instruction.amount)),
            ("reportedTransfer", [
                "reference": .string(instruction.reportedTransfer.reference),
                "dateTime": .string(Timestamp.formatSeconds(instruction.reportedTransfer.time)),
            ]),
            ("legalBasis", .string(instruction.legalBasis)),
            ("requestedBy", .string(instruction.requestedBy)),
            ("reportedAt", .string(Timestamp.formatSeconds(instruction.reportedAt))),
            ("deadline", .string(Timestamp.formatSeconds(instruction.deadline))),
        ])
        if let reason = instruction.reason { order["reason"] = .string(reason) }
        if let related = instruction.relatedOrder { order["relatedOrderId"] = .string(related.rawValue) }
        if let beneficiary = instruction.beneficiary {
            order["beneficiary"] = [
                "bank": .string(beneficiary.bank.rawValue),
                "number": .string(beneficiary.account.number.rawValue),
                "holderName": .string(beneficiary.account.holderName.rawValue),
            ]
        }
        return encode([
            ("type", .string(MessageType(kind: instruction.kind).rawValue)),
            ("header", header(messageID: instruction.messageID, createdAt: instruction.createdAt, from: instruction.sender, to: instruction.bank.rawValue)),
            ("order", .object(order)),
        ])
    }

    static func reply(_ reply: BankReply) -> [UInt8] {
        switch reply {
        case .receipt(let receipt):
            var body = JSONObject([
                ("originalMessageId", .string(receipt.originalMessageID.rawValue)),
                ("status", .string(receipt.status.code)),
            ])
            body["reason"] = reason(code: receipt.reasonCode, text: receipt.reasonText)
            return encode([
                ("type", .string(MessageType.receipt.rawValue)),
                ("header", header(messageID: receipt.messageID, createdAt: receipt.createdAt, from: receipt.bank.rawValue, to: receipt.recipient)),
                ("receipt", .object(body)),
            ])
        case .result(let result):
            var body = JSONObject([
                ("originalMessageId", .string(result.originalMessageID.rawValue)),
                ("orderType", .string(result.kind.rawValue)),
                ("status", .string(result.status.code)),
                ("executedAt", .string(Timestamp.formatSeconds(result.outcome.executedAt))),
            ])
            if let money = result.outcome.amount { body["amount"] = amount(money) }
            if let reference = result.outcome.returnReference { body["returnReference"] = .string(reference) }
            if !result.outcome.onwardTransfers.isEmpty {
                body["onwardTransfers"] = .array(result.outcome.onwardTransfers.map { transfer in
                    var object = JSONObject([("toBank", .string(transfer.to.rawValue)), ("account", .string(transfer.account.rawValue))])
                    if let name = transfer.holderName { object["holderName"] = .string(name.rawValue) }
                    object["amount"] = amount(transfer.amount)
                    object["reference"] = .string(transfer.reference)
                    object["dateTime"] = .string(Timestamp.formatSeconds(transfer.time))
                    return .object(object)
                })
            }
            body["reason"] = reason(code: result.reasonCode, text: result.reasonText)
            return encode([
                ("type", .string(MessageType.executionResult.rawValue)),
                ("header", header(messageID: result.messageID, createdAt: result.createdAt, from: result.bank.rawValue, to: result.recipient)),
                ("result", .object(body)),
            ])
        }
    }

    /// Compact JSON, members in the order given, UTF-8 as is (AyatJOSE's deterministic encoder).
    private static func encode(_ members: [(String, JSONValue)]) -> [UInt8] {
        JOSEHeader(JSONObject(members)).encoded()
    }

    // MARK: Reading

    /// A message read and checked against its schema's rules.
    enum Message {
        case order(OrderInstruction)
        case reply(BankReply)
    }

    /// The message with the header fields every dialect check needs.
    struct Read {
        var type: MessageType
        var messageID: MessageID
        var from: String
        var to: String
        var message: Message
    }

    /// Parses strictly (RFC 8259, no duplicate names, valid UTF-8) and checks every rule of the schema.
    static func read(_ bytes: [UInt8]) throws -> Read {
        let value: JSONValue
        do {
            value = .object(try JOSEHeader.parse(bytes, limits: parseLimits).object)
        } catch let error as JWSError {
            let reason = error.reason.replacingOccurrences(of: "header JSON: ", with: "").replacingOccurrences(of: "protected header", with: "body")
            throw DialectError(.malformed, "body is not a JSON object: \(reason)")
        }
        let top = try JSONFields(value, path: "", members: ["type", "header", "order", "receipt", "result"])
        let typeName = try top.text("type", maxLength: 35)
        guard let type = MessageType(rawValue: typeName) else {
            throw top.violation("type", "must be one of \(MessageType.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(typeName)\"")
        }
        let header = try top.object("header", members: ["messageId", "createdAt", "from", "to"])
        let messageID = MessageID(rawValue: try header.text("messageId", maxLength: 35))
        let createdAt = try header.dateTime("createdAt")
        let from = try header.text("from", maxLength: 35)
        let to = try header.text("to", maxLength: 35)
        let bodyName: String = switch type {
        case .receipt: "receipt"
        case .executionResult: "result"
        default: "order"
        }
        for other in ["order", "receipt", "result"] where other != bodyName && top.has(other) {
            throw top.violation(other, "is not allowed in a \(type.rawValue) message")
        }

        let message: Message
        switch type {
        case .freezeOrder, .releaseOrder, .refundOrder:
            message = .order(try readOrder(top, kind: type.orderKind!, messageID: messageID, createdAt: createdAt, from: from, to: header))
        case .receipt:
            let body = try top.object("receipt", members: ["originalMessageId", "status", "reason"])
            let reason = try body.optionalObject("reason", members: ["code", "text"])
            message = .reply(.receipt(Receipt(
                messageID: messageID,
                originalMessageID: MessageID(rawValue: try body.text("originalMessageId", maxLength: 35)),
                bank: try header.bankCode("from"), recipient: to, createdAt: createdAt,
                status: Receipt.Status(code: try body.code("status", in: ["ACCP", "RJCT"])),
                reasonCode: try reason.map(reasonCode), reasonText: try reason?.optionalText("text", maxLength: 140)
            )))
        case .executionResult:
            message = .reply(.result(try readResult(top, messageID: messageID, createdAt: createdAt, to: to, header: header)))
        }
        return Read(type: type, messageID: messageID, from: from, to: to, message: message)
    }

    private static func reasonCode(_ reason: JSONFields) throws -> String {
        try reason.value("code", maxLength: 4, "must be four capital letters or digits, e.g. AC01") { code in
            code.utf8.count == 4 && code.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) } ? code : nil
        }
    }

    private static func readOrder(
        _ top: JSONFields, kind: OrderKind, messageID: MessageID, createdAt: Date, from: String, to header: JSONFields
    ) throws -> OrderInstruction {
        let order = try top.object("order", members: [
            "orderId", "caseId", "account", "amount", "reportedTransfer", "legalBasis", "requestedBy", "reportedAt", "deadline",
            "reason", "relatedOrderId", "beneficiary",
        ])
        let account = try order.object("account", members: ["number", "holderName"])
        let transfer = try order.object("reportedTransfer", members: ["reference", "dateTime"])
        let beneficiary = try order.optionalObject("beneficiary", members: ["bank", "number", "holderName"]).map { beneficiary in
            BankAccount(
                bank: try beneficiary.bankCode("bank"),
                account: Account(number: try beneficiary.accountNumber("number"), holderName: try beneficiary.holderName("holderName"))
            )
        }
        return OrderInstruction(
            messageID: messageID, createdAt: createdAt, sender: from, bank: try header.bankCode("to"), kind: kind,
            orderID: OrderID(rawValue: try order.text("orderId", maxLength: 64)),
            caseID: try order.value("caseId", maxLength: 64, "must be 1 to 64 letters, digits, '-', '_', '.' or '/'", CaseID.init),
            account: Account(number: try account.accountNumber("number"), holderName: try account.holderName("holderName")),
            amount: try order.money("amount"),
            reportedTransfer: ReportedTransfer(reference: try transfer.text("reference", maxLength: 35), time: try transfer.dateTime("dateTime")),
            legalBasis: try order.text("legalBasis", maxLength: 140),
            requestedBy: try order.text("requestedBy", maxLength: 70),
            reportedAt: try order.dateTime("reportedAt"),
            deadline: try order.dateTime("deadline"),
            beneficiary: beneficiary,
            reason: try order.optionalText("reason", maxLength: 35),
            relatedOrder: try order.optionalText("relatedOrderId", maxLength: 64).map(OrderID.init(rawValue:))
        )
    }

    private static func readResult(_ top: JSONFields, messageID: MessageID, createdAt: Date, to: String, header: JSONFields) throws -> ExecutionResult {
        let result = try top.object("result", members: [
            "originalMessageId", "orderType", "status", "executedAt", "amount", "returnReference", "onwardTransfers", "reason",
        ])
        var transfers: [OnwardTransfer] = []
        if result.has("onwardTransfers") {
            for (index, element) in try result.array("onwardTransfers", maxItems: 100).enumerated() {
                let transfer = try JSONFields(
                    element, path: result.path("onwardTransfers[\(index)]"),
                    members: ["toBank", "account", "holderName", "amount", "reference", "dateTime"])
                transfers.append(OnwardTransfer(
                    to: try transfer.bankCode("toBank"), account: try transfer.accountNumber("account"),
                    holderName: try transfer.has("holderName") ? transfer.holderName("holderName") : nil,
                    amount: try transfer.money("amount"), reference: try transfer.text("reference", maxLength: 35),
                    time: try transfer.dateTime("dateTime")
                ))
            }
        }
        let reason = try result.optionalObject("reason", members: ["code", "text"])
        return ExecutionResult(
            messageID: messageID,
            originalMessageID: MessageID(rawValue: try result.text("originalMessageId", maxLength: 35)),
            bank: try header.bankCode("from"), recipient: to, createdAt: createdAt,
            kind: OrderKind(rawValue: try result.code("orderType", in: OrderKind.all.map(\.rawValue))),
            status: ExecutionResult.Status(code: try result.code("status", in: ["EXEC", "FAIL"])),
            outcome: ExecutionOutcome(
                executedAt: try result.dateTime("executedAt"),
                amount: try result.optionalMoney("amount"),
                onwardTransfers: transfers,
                returnReference: try result.optionalText("returnReference", maxLength: 35)
            ),
            reasonCode: try reason.map(reasonCode), reasonText: try reason?.optionalText("text", maxLength: 140)
        )
    }

    // MARK: Formats shared with the schemas

    /// `^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?Z$`
    static func isUTCDateTime(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        let digit: (UInt8) -> Bool = { (0x30...0x39).contains($0) }
        guard bytes.count >= 20, bytes.last == UInt8(ascii: "Z") else { return false }
        let shape = Array("dddd-dd-ddTdd:dd:dd".utf8)
        for (index, expected) in shape.enumerated() {
            if expected == UInt8(ascii: "d") { guard digit(bytes[index]) else { return false } }
            else { guard bytes[index] == expected else { return false } }
        }
        let rest = bytes[19..<(bytes.count - 1)]
        if rest.isEmpty { return true }
        guard rest.first == UInt8(ascii: "."), (2...10).contains(rest.count) else { return false }
        return rest.dropFirst().allSatisfy(digit)
    }

    /// `^[0-9]{1,15}(\.[0-9]{1,3})?$`
    static func isDecimalAmount(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let digits: (Substring) -> Bool = { !$0.isEmpty && $0.utf8.allSatisfy { (0x30...0x39).contains($0) } }
        switch parts.count {
        case 1: return parts[0].count <= 15 && digits(parts[0])
        case 2: return parts[0].count <= 15 && digits(parts[0]) && parts[1].count <= 3 && digits(parts[1])
        default: return false
        }
    }
}
