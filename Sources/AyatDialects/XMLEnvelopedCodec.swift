import Foundation
import AyatCore
import AyatPKI
import AyatXML
import X509

/// The `xml-enveloped` dialect: one root element, enveloped XMLDSig as its last
/// child (exclusive C14N, SHA-256, RSA-SHA256 or ECDSA-SHA256), validated
/// against `schemas/xml-enveloped.xsd` before signing and after verifying.
public struct XMLEnvelopedCodec: DialectCodec {
    public static let namespace = "urn:ayat:xml-enveloped:1"
    public static let contentType = "application/xml; charset=utf-8"

    public var dialect: DialectName { .xmlEnveloped }

    private let signer: XMLSigner
    private let verifier: XMLSignatureVerifier
    private let schema: XMLSchema

    /// - Parameters:
    ///   - identity: our own signing key and certificate.
    ///   - pinned: the peer's signing certificates; nothing else is ever trusted.
    public init(identity: SigningIdentity, pinned: [Certificate], policy: XMLVerificationPolicy = .strict) throws {
        let (key, algorithm): (XMLSigningKey, XMLSignatureAlgorithm) = switch identity.key {
        case .rsa(let rsa): (.rsa(rsa), .rsaSHA256)
        case .p256(let ec): (.p256(ec), .ecdsaP256SHA256)
        }
        signer = try XMLSigner(key: key, algorithm: algorithm, certificate: identity.certificate)
        verifier = XMLSignatureVerifier(pinned: pinned, policy: policy)
        schema = try Schemas.xmlEnveloped()
    }

    // MARK: Freeze orders

    public func renderFreeze(_ instruction: FreezeInstruction) throws -> RenderedMessage {
        let e = XMLText.element
        let document = """
            <?xml version="1.0" encoding="UTF-8"?>
            <FreezeOrder xmlns="\(Self.namespace)">\
            <Header>\(e("MsgId", instruction.messageID.rawValue))\(e("CreDtTm", Timestamp.formatSeconds(instruction.createdAt)))\
            \(e("From", instruction.sender))\(e("To", instruction.bank.rawValue))</Header>\
            <Order>\(e("OrderId", instruction.orderID.rawValue))\(e("CaseId", instruction.caseID.rawValue))\
            <Account>\(e("Number", instruction.account.number.rawValue))\(e("HolderName", instruction.account.holderName.rawValue))</Account>\
            <Amount Ccy="\(instruction.amount.currency.code)">\(instruction.amount.decimalString)</Amount>\
            <ReportedTransfer>\(e("Reference", instruction.reportedTransfer.reference))\
            \(e("DateTime", Timestamp.formatSeconds(instruction.reportedTransfer.time)))</ReportedTransfer>\
            \(e("LegalBasis", instruction.legalBasis))\(e("RequestedBy", instruction.requestedBy))\
            \(e("ReportedAt", Timestamp.formatSeconds(instruction.reportedAt)))\(e("Deadline", Timestamp.formatSeconds(instruction.deadline)))\
            </Order></FreezeOrder>
            """
        return try sign(document)
    }

    public func readFreeze(_ bytes: [UInt8], headers: [String: String], at time: Date) throws -> FreezeInstruction {
        let root = try verify(bytes, at: time, expecting: "FreezeOrder")
        func required<T>(_ path: String, _ parse: (String) -> T?) throws -> T {
            let text = try root.requiredText(path)
            guard let value = parse(text) else { throw DialectError(.malformed, "\(path) has an invalid value") }
            return value
        }
        let currency = try required("Order/Amount", { _ in root.child("Order")?.child("Amount")?.attribute("Ccy").flatMap(Currency.init) })
        return FreezeInstruction(
            messageID: MessageID(rawValue: try root.requiredText("Header/MsgId")),
            createdAt: try required("Header/CreDtTm", Timestamp.parse),
            sender: try root.requiredText("Header/From"),
            bank: try required("Header/To", BankCode.init),
            orderID: OrderID(rawValue: try root.requiredText("Order/OrderId")),
            caseID: try required("Order/CaseId", CaseID.init),
            account: Account(
                number: try required("Order/Account/Number", AccountNumber.init),
                holderName: try required("Order/Account/HolderName", HolderName.init)
            ),
            amount: try required("Order/Amount", { Money(decimal: $0, currency: currency) }),
            reportedTransfer: ReportedTransfer(
                reference: try root.requiredText("Order/ReportedTransfer/Reference"),
                time: try required("Order/ReportedTransfer/DateTime", Timestamp.parse)
            ),
            legalBasis: try root.requiredText("Order/LegalBasis"),
            requestedBy: try root.requiredText("Order/RequestedBy"),
            reportedAt: try required("Order/ReportedAt", Timestamp.parse),
            deadline: try required("Order/Deadline", Timestamp.parse)
        )
    }

    // MARK: Receipts

    public func renderReceipt(_ receipt: Receipt) throws -> RenderedMessage {
        let e = XMLText.element
        var reason = ""
        if let code = receipt.reasonCode {
            reason = "<Reason>\(e("Code", code))\(receipt.reasonText.map { e("Text", $0) } ?? "")</Reason>"
        }
        let document = """
            <?xml version="1.0" encoding="UTF-8"?>
            <FreezeReceipt xmlns="\(Self.namespace)">\
            <Header>\(e("MsgId", receipt.messageID.rawValue))\(e("CreDtTm", Timestamp.formatSeconds(receipt.createdAt)))\
            \(e("From", receipt.bank.rawValue))\(e("To", receipt.recipient))</Header>\
            <Receipt>\(e("OriginalMsgId", receipt.originalMessageID.rawValue))\(e("Status", receipt.status.code))\(reason)</Receipt>\
            </FreezeReceipt>
            """
        return try sign(document)
    }

    public func readReceipt(_ bytes: [UInt8], headers: [String: String], at time: Date) throws -> Receipt {
        let root = try verify(bytes, at: time, expecting: "FreezeReceipt")
        guard let bank = BankCode(try root.requiredText("Header/From")) else {
            throw DialectError(.malformed, "Header/From is not a bank code")
        }
        guard let created = Timestamp.parse(try root.requiredText("Header/CreDtTm")) else {
            throw DialectError(.malformed, "Header/CreDtTm is not a timestamp")
        }
        return Receipt(
            messageID: MessageID(rawValue: try root.requiredText("Header/MsgId")),
            originalMessageID: MessageID(rawValue: try root.requiredText("Receipt/OriginalMsgId")),
            bank: bank,
            recipient: try root.requiredText("Header/To"),
            createdAt: created,
            status: Receipt.Status(code: try root.requiredText("Receipt/Status")),
            reasonCode: root.optionalText("Receipt/Reason/Code"),
            reasonText: root.optionalText("Receipt/Reason/Text")
        )
    }

    // MARK: Signing and verifying

    private func sign(_ document: String) throws -> RenderedMessage {
        let unsigned = Array(document.utf8)
        do {
            try schema.validate(unsigned)
        } catch {
            throw DialectError(.schemaViolation, "outbound message does not match xml-enveloped.xsd: \(error)")
        }
        return RenderedMessage(bytes: try signer.signEnveloped(unsigned), contentType: Self.contentType)
    }

    /// Signature first (against pinned certificates only), then the schema, then the root's name.
    private func verify(_ bytes: [UInt8], at time: Date, expecting rootName: String) throws -> AyatXML.XMLElement {
        let verified: VerifiedXMLDocument
        do {
            verified = try verifier.verify(bytes, at: time)
        } catch {
            throw DialectError(.signatureInvalid, "\(error)")
        }
        do {
            try schema.validate(bytes)
        } catch {
            throw DialectError(.schemaViolation, "inbound message does not match xml-enveloped.xsd: \(error)")
        }
        guard verified.root.name == rootName, verified.root.namespace == Self.namespace else {
            throw DialectError(.malformed, "expected \(rootName) in \(Self.namespace), got \(verified.root.name)")
        }
        return verified.root
    }
}
