import Foundation
import AyatCore
import AyatXML

/// The business content of orders and replies in the XML dialects, shared by
/// every XML layout so that only the envelope and the signature differ.
enum XMLMessageBody {
    static func rootName(for kind: OrderKind) -> String {
        switch kind {
        case .release: "ReleaseOrder"
        case .refund: "RefundOrder"
        default: "FreezeOrder"
        }
    }

    static func kind(ofRoot name: String) -> OrderKind? {
        switch name {
        case "FreezeOrder": .freeze
        case "ReleaseOrder": .release
        case "RefundOrder": .refund
        default: nil
        }
    }

    static let receiptRoot = "OrderReceipt"
    static let resultRoot = "ExecutionResult"

    static func header(messageID: MessageID, createdAt: Date, from: String, to: String, into xml: inout XMLMarkup) {
        xml.open("Header")
        xml.element("MsgId", messageID.rawValue)
        xml.element("CreDtTm", dateTime: createdAt)
        xml.element("From", from)
        xml.element("To", to)
        xml.close("Header")
    }

    /// The content of `<Order>` for an instruction (the element itself is the caller's).
    static func orderFields(_ instruction: OrderInstruction, into xml: inout XMLMarkup) {
        xml.element("OrderId", instruction.orderID.rawValue)
        xml.element("CaseId", instruction.caseID.rawValue)
        xml.open("Account")
        xml.element("Number", instruction.account.number.rawValue)
        xml.element("HolderName", instruction.account.holderName.rawValue)
        xml.close("Account")
        xml.amount("Amount", instruction.amount)
        xml.open("ReportedTransfer")
        xml.element("Reference", instruction.reportedTransfer.reference)
        xml.element("DateTime", dateTime: instruction.reportedTransfer.time)
        xml.close("ReportedTransfer")
        xml.element("LegalBasis", instruction.legalBasis)
        xml.element("RequestedBy", instruction.requestedBy)
        xml.element("ReportedAt", dateTime: instruction.reportedAt)
        xml.element("Deadline", dateTime: instruction.deadline)
        if let reason = instruction.reason { xml.element("Reason", reason) }
        if let related = instruction.relatedOrder { xml.element("RelatedOrderId", related.rawValue) }
        if let beneficiary = instruction.beneficiary {
            xml.open("Beneficiary")
            xml.element("Bank", beneficiary.bank.rawValue)
            xml.element("Number", beneficiary.account.number.rawValue)
            xml.element("HolderName", beneficiary.account.holderName.rawValue)
            xml.close("Beneficiary")
        }
    }

    /// The content of `<Receipt>`.
    static func receiptFields(_ receipt: Receipt, into xml: inout XMLMarkup) {
        xml.element("OriginalMsgId", receipt.originalMessageID.rawValue)
        xml.element("Status", receipt.status.code)
        reason(code: receipt.reasonCode, text: receipt.reasonText, into: &xml)
    }

    /// The content of `<Result>`.
    static func resultFields(_ result: ExecutionResult, into xml: inout XMLMarkup) {
        xml.element("OriginalMsgId", result.originalMessageID.rawValue)
        xml.element("OrderType", result.kind.rawValue)
        xml.element("Status", result.status.code)
        xml.element("ExecutedAt", dateTime: result.outcome.executedAt)
        if let money = result.outcome.amount { xml.amount("Amount", money) }
        if let reference = result.outcome.returnReference { xml.element("ReturnReference", reference) }
        if !result.outcome.onwardTransfers.isEmpty {
            xml.open("OnwardTransfers")
            for transfer in result.outcome.onwardTransfers {
                xml.open("Transfer")
                xml.element("ToBank", transfer.to.rawValue)
                xml.element("Account", transfer.account.rawValue)
                if let name = transfer.holderName { xml.element("HolderName", name.rawValue) }
                xml.amount("Amount", transfer.amount)
                xml.element("Reference", transfer.reference)
                xml.element("DateTime", dateTime: transfer.time)
                xml.close("Transfer")
            }
            xml.close("OnwardTransfers")
        }
        reason(code: result.reasonCode, text: result.reasonText, into: &xml)
    }

    private static func reason(code: String?, text: String?, into xml: inout XMLMarkup) {
        guard let code else { return }
        xml.open("Reason")
        xml.element("Code", code)
        if let text { xml.element("Text", text) }
        xml.close("Reason")
    }

    // MARK: Reading

    struct Header {
        var messageID: MessageID
        var createdAt: Date
        var from: String
        var to: String
    }

    static func readHeader(_ root: AyatXML.XMLElement) throws -> Header {
        Header(
            messageID: MessageID(rawValue: try root.requiredText("Header/MsgId")),
            createdAt: try parse(root, "Header/CreDtTm", XMLDateTime.parse),
            from: try root.requiredText("Header/From"),
            to: try root.requiredText("Header/To")
        )
    }

    static func parse<T>(_ root: AyatXML.XMLElement, _ path: String, _ parse: (String) -> T?) throws -> T {
        let text = try root.requiredText(path)
        guard let value = parse(text) else { throw DialectError(.malformed, "\(path) has an invalid value") }
        return value
    }

    static func readMoney(_ element: AyatXML.XMLElement?, path: String) throws -> Money {
        guard let element, let currency = element.attribute("Ccy").flatMap(Currency.init),
              let money = Money(decimal: element.text, currency: currency) else {
            throw DialectError(.malformed, "\(path) is not an amount with a currency")
        }
        return money
    }

    static func readOrder(_ root: AyatXML.XMLElement, kind: OrderKind) throws -> OrderInstruction {
        let header = try readHeader(root)
        guard let order = root.child("Order") else { throw DialectError(.malformed, "missing element Order") }
        var beneficiary: BankAccount?
        if order.child("Beneficiary") != nil {
            beneficiary = BankAccount(
                bank: try parse(order, "Beneficiary/Bank", BankCode.init),
                account: Account(
                    number: try parse(order, "Beneficiary/Number", AccountNumber.init),
                    holderName: try parse(order, "Beneficiary/HolderName", HolderName.init)
                )
            )
        }
        return OrderInstruction(
            messageID: header.messageID, createdAt: header.createdAt, sender: header.from,
            bank: try parse(root, "Header/To", BankCode.init), kind: kind,
            orderID: OrderID(rawValue: try order.requiredText("OrderId")),
            caseID: try parse(order, "CaseId", CaseID.init),
            account: Account(
                number: try parse(order, "Account/Number", AccountNumber.init),
                holderName: try parse(order, "Account/HolderName", HolderName.init)
            ),
            amount: try readMoney(order.child("Amount"), path: "Order/Amount"),
            reportedTransfer: ReportedTransfer(
                reference: try order.requiredText("ReportedTransfer/Reference"),
                time: try parse(order, "ReportedTransfer/DateTime", XMLDateTime.parse)
            ),
            legalBasis: try order.requiredText("LegalBasis"),
            requestedBy: try order.requiredText("RequestedBy"),
            reportedAt: try parse(order, "ReportedAt", XMLDateTime.parse),
            deadline: try parse(order, "Deadline", XMLDateTime.parse),
            beneficiary: beneficiary,
            reason: order.optionalText("Reason"),
            relatedOrder: order.optionalText("RelatedOrderId").map(OrderID.init(rawValue:))
        )
    }

    static func readReply(_ root: AyatXML.XMLElement) throws -> BankReply {
        let header = try readHeader(root)
        let bank = try parse(root, "Header/From", BankCode.init)
        switch root.name {
        case receiptRoot:
            return .receipt(Receipt(
                messageID: header.messageID,
                originalMessageID: MessageID(rawValue: try root.requiredText("Receipt/OriginalMsgId")),
                bank: bank, recipient: header.to, createdAt: header.createdAt,
                status: Receipt.Status(code: try root.requiredText("Receipt/Status")),
                reasonCode: root.optionalText("Receipt/Reason/Code"),
                reasonText: root.optionalText("Receipt/Reason/Text")
            ))
        case resultRoot:
            guard let result = root.child("Result") else { throw DialectError(.malformed, "missing element Result") }
            let transfers = try (result.child("OnwardTransfers")?.children(named: "Transfer") ?? []).map { transfer in
                OnwardTransfer(
                    to: try parse(transfer, "ToBank", BankCode.init),
                    account: try parse(transfer, "Account", AccountNumber.init),
                    holderName: transfer.optionalText("HolderName").flatMap(HolderName.init),
                    amount: try readMoney(transfer.child("Amount"), path: "Transfer/Amount"),
                    reference: try transfer.requiredText("Reference"),
                    time: try parse(transfer, "DateTime", XMLDateTime.parse)
                )
            }
            return .result(ExecutionResult(
                messageID: header.messageID,
                originalMessageID: MessageID(rawValue: try result.requiredText("OriginalMsgId")),
                bank: bank, recipient: header.to, createdAt: header.createdAt,
                kind: OrderKind(rawValue: try result.requiredText("OrderType")),
                status: ExecutionResult.Status(code: try result.requiredText("Status")),
                outcome: ExecutionOutcome(
                    executedAt: try parse(result, "ExecutedAt", XMLDateTime.parse),
                    amount: try result.child("Amount").map { try readMoney($0, path: "Result/Amount") },
                    onwardTransfers: transfers,
                    returnReference: result.optionalText("ReturnReference")
                ),
                reasonCode: result.optionalText("Reason/Code"),
                reasonText: result.optionalText("Reason/Text")
            ))
        default:
            throw DialectError(.malformed, "\(root.name) is not a reply")
        }
    }
}
