import Foundation
import Testing
import AyatCore
import AyatPKI
import AyatXML
@testable import AyatDialects

/// Both ends of the dialect, with identities from a freshly generated dev PKI.
struct CodecPair {
    let gateway: XMLEnvelopedCodec
    let bank: XMLEnvelopedCodec
    let bankIdentity: SigningIdentity

    init(signingKeys: SigningKeyAlgorithm = .rsa2048) throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "ayat-dialect-\(UUID().uuidString)")
        // The identities are loaded into memory: nothing reads the PEM files afterwards.
        defer { try? FileManager.default.removeItem(at: directory) }
        let pki = try DevPKI.generate(in: directory, banks: ["014"], signingKeys: signingKeys)
        let gatewayIdentity = try SigningIdentity(certificate: pki.gatewaySigning.certificate, privateKey: pki.gatewaySigning.privateKey)
        let bankFiles = pki.bank("014")
        bankIdentity = try SigningIdentity(certificate: bankFiles.signing.certificate, privateKey: bankFiles.signing.privateKey)
        gateway = try XMLEnvelopedCodec(identity: gatewayIdentity, pinned: [bankIdentity.certificate])
        bank = try XMLEnvelopedCodec(identity: bankIdentity, pinned: [gatewayIdentity.certificate])
    }
}

let orderLine = HTTPRequestLine(method: "POST", path: "/ayat/v1/messages")

/// Now, to the second (the XML dialects carry seconds), so certificates made now are valid.
func wholeSecondNow() -> Date { Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)) }

func sampleInstruction(holder: String = "สมชาย ใจดี", sender: String = "THACC", kind: OrderKind = .freeze) -> OrderInstruction {
    let now = wholeSecondNow()
    let order = Order(
        id: .generate(), kind: kind, caseID: CaseID("TH-CASE-2026-00001")!, bank: BankCode("014")!,
        account: Account(number: AccountNumber("1402339876")!, holderName: HolderName(holder)!),
        amount: Money(minorUnits: 1_500_050, currency: Currency("THB")!),
        reportedTransfer: ReportedTransfer(reference: "TRX<&>\"1", time: now.addingTimeInterval(-900)),
        legalBasis: "Decree s.6 & court order <42>", requestedBy: "officer:AOC-0042",
        reportedAt: now.addingTimeInterval(-300), deadline: now.addingTimeInterval(3300), acceptedAt: now,
        beneficiary: kind == .refund ? BankAccount(bank: BankCode("025")!, account: Account(number: AccountNumber("0259876543")!, holderName: HolderName("มานี มีนา")!)) : nil,
        reason: kind == .freeze ? nil : "FRAD", relatedOrder: kind == .freeze ? nil : .generate()
    )
    return OrderInstruction(order: order, messageID: .generate(), createdAt: now, sender: sender)
}

@Suite struct XMLEnvelopedCodecTests {
    @Test(arguments: [SigningKeyAlgorithm.rsa2048, .p256])
    func everyOrderTypeReadsBackExactlyAtTheBank(_ keys: SigningKeyAlgorithm) throws {
        let pair = try CodecPair(signingKeys: keys)
        for kind in OrderKind.all {
            let instruction = sampleInstruction(kind: kind)
            let message = try pair.gateway.renderOrder(instruction, request: orderLine)
            #expect(message.contentType.hasPrefix("application/xml"))
            let read = try pair.bank.readOrder(message.bytes, headers: [:], request: orderLine, at: instruction.createdAt)
            #expect(read == instruction)
        }
    }

    @Test func aReceiptReadsBackAtTheGateway() throws {
        let pair = try CodecPair()
        let now = wholeSecondNow()
        let receipt = Receipt(
            messageID: .generate(prefix: "B014"), originalMessageID: .generate(), bank: BankCode("014")!, recipient: "THACC",
            createdAt: now, status: .rejected, reasonCode: "AC01", reasonText: "account does not exist"
        )
        let message = try pair.bank.renderReply(.receipt(receipt), request: orderLine)
        #expect(try pair.gateway.readReply(message.bytes, headers: [:], request: orderLine, at: now) == .receipt(receipt))
    }

    @Test func anExecutionResultWithOnwardTransfersReadsBackAtTheGateway() throws {
        let pair = try CodecPair()
        let now = wholeSecondNow()
        let thb = Currency("THB")!
        let result = ExecutionResult(
            messageID: .generate(prefix: "E014"), originalMessageID: .generate(), bank: BankCode("014")!, recipient: "THACC",
            createdAt: now, kind: .freeze, status: .executed,
            outcome: ExecutionOutcome(
                executedAt: now, amount: Money(minorUnits: 1_200_000, currency: thb),
                onwardTransfers: [
                    OnwardTransfer(to: BankCode("004")!, account: AccountNumber("0048812230")!, holderName: HolderName("ประเสริฐ มั่นคง"),
                                   amount: Money(minorUnits: 5_000_000, currency: thb), reference: "TRX014000001", time: now.addingTimeInterval(-60)),
                    OnwardTransfer(to: BankCode("006")!, account: AccountNumber("0061122334")!, holderName: nil,
                                   amount: Money(minorUnits: 3_000_000, currency: thb), reference: "TRX014000002", time: now.addingTimeInterval(-30)),
                ]
            )
        )
        let message = try pair.bank.renderReply(.result(result), request: orderLine)
        #expect(try pair.gateway.readReply(message.bytes, headers: [:], request: orderLine, at: now) == .result(result))
    }

    @Test func aReceiptSignedByAnyoneButThePinnedBankIsRefused() throws {
        let pair = try CodecPair()
        let impostor = try CodecPair()
        let receipt = Receipt(
            messageID: .generate(prefix: "B014"), originalMessageID: .generate(), bank: BankCode("014")!, recipient: "THACC",
            createdAt: Date(), status: .accepted
        )
        let forged = try impostor.bank.renderReply(.receipt(receipt), request: orderLine)
        #expect(throws: DialectError(.signatureInvalid, "")) { try pair.gateway.readReply(forged.bytes, headers: [:], request: orderLine, at: Date()) }
    }

    @Test func aTamperedOrderIsRefusedByTheBank() throws {
        let pair = try CodecPair()
        let message = try pair.gateway.renderOrder(sampleInstruction(), request: orderLine)
        var text = String(decoding: message.bytes, as: UTF8.self)
        text = text.replacingOccurrences(of: "15000.50", with: "15.50")
        #expect(throws: DialectError(.signatureInvalid, "")) {
            try pair.bank.readOrder(Array(text.utf8), headers: [:], request: orderLine, at: Date())
        }
    }

    @Test func aSignedInboundMessageThatBreaksTheSchemaIsRefusedAsASchemaViolation() throws {
        // Correctly signed by the pinned bank: only the schema, checked on the verifier's own
        // parse after the signature, can refuse it.
        let pair = try CodecPair(signingKeys: .p256)
        let signer = try XMLSigner(identity: pair.bankIdentity)
        let unsigned = "<OrderReceipt xmlns=\"\(XMLEnvelopedCodec.namespace)\"><Unexpected/></OrderReceipt>"
        let signed = try signer.signEnveloped(Array(unsigned.utf8))
        let error = #expect(throws: DialectError.self) {
            try pair.gateway.readReply(signed, headers: [:], request: orderLine, at: Date())
        }
        #expect(error?.code == .schemaViolation, "\(String(describing: error))")
    }

    @Test func anOutboundMessageThatBreaksTheSchemaIsNeverSigned() throws {
        let pair = try CodecPair()
        let tooLong = sampleInstruction(sender: String(repeating: "X", count: 36))
        #expect(throws: DialectError(.schemaViolation, "")) { try pair.gateway.renderOrder(tooLong, request: orderLine) }
    }

    @Test func theShippedSchemaIsTheOneInTheRepository() throws {
        let repositorySchema = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appending(path: "schemas/xml-enveloped.xsd")
        let shipped = try Schemas.xsd(named: "xml-enveloped.xsd")
        #expect(shipped == [UInt8](try Data(contentsOf: repositorySchema)))
    }
}
