import Foundation
import Testing
import AyatCore
import AyatPKI
@testable import AyatDialects

/// Both ends of the dialect, with identities from a freshly generated dev PKI.
struct CodecPair {
    let gateway: XMLEnvelopedCodec
    let bank: XMLEnvelopedCodec
    let pki: DevPKILayout

    init(signingKeys: SigningKeyAlgorithm = .rsa2048) throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "ayat-dialect-\(UUID().uuidString)")
        pki = try DevPKI.generate(in: directory, banks: ["014"], signingKeys: signingKeys)
        let gatewayIdentity = try SigningIdentity(certificate: pki.gatewaySigning.certificate, privateKey: pki.gatewaySigning.privateKey)
        let bankFiles = pki.bank("014")
        let bankIdentity = try SigningIdentity(certificate: bankFiles.signing.certificate, privateKey: bankFiles.signing.privateKey)
        gateway = try XMLEnvelopedCodec(identity: gatewayIdentity, pinned: [bankIdentity.certificate])
        bank = try XMLEnvelopedCodec(identity: bankIdentity, pinned: [gatewayIdentity.certificate])
    }
}

func sampleInstruction(holder: String = "สมชาย ใจดี", sender: String = "THACC") -> FreezeInstruction {
    let now = Timestamp.parse("2026-11-29T07:00:00Z")!
    let order = Order(
        id: .generate(), kind: .freeze, caseID: CaseID("TH-CASE-2026-00001")!, bank: BankCode("014")!,
        account: Account(number: AccountNumber("1402339876")!, holderName: HolderName(holder)!),
        amount: Money(minorUnits: 1_500_050, currency: Currency("THB")!),
        reportedTransfer: ReportedTransfer(reference: "TRX<&>\"1", time: now.addingTimeInterval(-900)),
        legalBasis: "Decree s.6 & court order <42>", requestedBy: "officer:AOC-0042",
        reportedAt: now.addingTimeInterval(-300), deadline: now.addingTimeInterval(3300), acceptedAt: now
    )
    return FreezeInstruction(order: order, messageID: .generate(), createdAt: now, sender: sender)
}

@Suite struct XMLEnvelopedCodecTests {
    @Test(arguments: [SigningKeyAlgorithm.rsa2048, .p256])
    func aFreezeOrderReadsBackExactlyAtTheBank(_ keys: SigningKeyAlgorithm) throws {
        let pair = try CodecPair(signingKeys: keys)
        let instruction = sampleInstruction()
        let message = try pair.gateway.renderFreeze(instruction)
        #expect(message.contentType.hasPrefix("application/xml"))
        let read = try pair.bank.readFreeze(message.bytes, headers: [:], at: instruction.createdAt)
        #expect(read == instruction)
    }

    @Test func aReceiptReadsBackAtTheGateway() throws {
        let pair = try CodecPair()
        let now = Timestamp.parse("2026-11-29T07:00:05Z")!
        let receipt = Receipt(
            messageID: .generate(prefix: "B014"), originalMessageID: .generate(), bank: BankCode("014")!, recipient: "THACC",
            createdAt: now, status: .rejected, reasonCode: "AC01", reasonText: "account does not exist"
        )
        let message = try pair.bank.renderReceipt(receipt)
        #expect(try pair.gateway.readReceipt(message.bytes, headers: [:], at: now) == receipt)
    }

    @Test func aReceiptSignedByAnyoneButThePinnedBankIsRefused() throws {
        let pair = try CodecPair()
        let impostor = try CodecPair()
        let receipt = Receipt(
            messageID: .generate(prefix: "B014"), originalMessageID: .generate(), bank: BankCode("014")!, recipient: "THACC",
            createdAt: Date(), status: .accepted
        )
        let forged = try impostor.bank.renderReceipt(receipt)
        #expect(throws: DialectError(.signatureInvalid, "")) { try pair.gateway.readReceipt(forged.bytes, headers: [:], at: Date()) }
    }

    @Test func aTamperedOrderIsRefusedByTheBank() throws {
        let pair = try CodecPair()
        let message = try pair.gateway.renderFreeze(sampleInstruction())
        var text = String(decoding: message.bytes, as: UTF8.self)
        text = text.replacingOccurrences(of: "15000.50", with: "15.50")
        #expect(throws: DialectError(.signatureInvalid, "")) { try pair.bank.readFreeze(Array(text.utf8), headers: [:], at: Date()) }
    }

    @Test func anOutboundMessageThatBreaksTheSchemaIsNeverSigned() throws {
        let pair = try CodecPair()
        let tooLong = sampleInstruction(sender: String(repeating: "X", count: 36))
        #expect(throws: DialectError(.schemaViolation, "")) { try pair.gateway.renderFreeze(tooLong) }
    }

    @Test func theShippedSchemaIsTheOneInTheRepository() throws {
        let repositorySchema = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appending(path: "schemas/xml-enveloped.xsd")
        let shipped = try Schemas.xsd(named: "xml-enveloped.xsd")
        #expect(shipped == [UInt8](try Data(contentsOf: repositorySchema)))
    }
}
