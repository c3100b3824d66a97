import Foundation
import Testing
import AyatCore
import AyatPKI
import AyatXML
import X509
@testable import AyatDialects

/// Both ends of the iso20022-bah dialect, with identities from a freshly generated dev PKI.
struct BAHCodecPair {
    let gateway: ISO20022BAHCodec
    let bank: ISO20022BAHCodec
    let gatewayIdentity: SigningIdentity
    let bankIdentity: SigningIdentity
    /// Its PEM files exist only for the shared pairs.
    let pki: DevPKILayout

    /// The PKI is made "at" the samples' time, so their fixed timestamps fall inside every
    /// certificate's validity whatever the wall clock says. It is generated in `directory`, where
    /// its files stay; without one, in a temporary directory removed once the identities are loaded.
    init(signingKeys: SigningKeyAlgorithm = .rsa2048, now: Date = BAHSamples.orderTime, in directory: URL? = nil) throws {
        let temporary = FileManager.default.temporaryDirectory.appending(path: "ayat-bah-\(UUID().uuidString)")
        defer { if directory == nil { try? FileManager.default.removeItem(at: temporary) } }
        pki = try DevPKI.generate(in: directory ?? temporary, banks: ["014"], signingKeys: signingKeys, now: now)
        gatewayIdentity = try SigningIdentity(certificate: pki.gatewaySigning.certificate, privateKey: pki.gatewaySigning.privateKey)
        let bankFiles = pki.bank("014")
        bankIdentity = try SigningIdentity(certificate: bankFiles.signing.certificate, privateKey: bankFiles.signing.privateKey)
        gateway = try ISO20022BAHCodec(identity: gatewayIdentity, pinned: [bankIdentity.certificate])
        bank = try ISO20022BAHCodec(identity: bankIdentity, pinned: [gatewayIdentity.certificate])
    }

    /// Created lazily once per key type: dev PKI generation makes RSA keys, which is slow. They keep
    /// their files (the xmlsec1 tests read them) and tests run in parallel, so no test knows it is
    /// the last: one directory per process stays behind.
    private static let sharedDirectory = FileManager.default.temporaryDirectory.appending(path: "ayat-bah-\(UUID().uuidString)")
    static let rsa = Result { try BAHCodecPair(signingKeys: .rsa2048, in: sharedDirectory.appending(path: "rsa2048")) }
    static let p256 = Result { try BAHCodecPair(signingKeys: .p256, in: sharedDirectory.appending(path: "p256")) }

    static func shared(_ keys: SigningKeyAlgorithm) throws -> BAHCodecPair {
        try (keys == .p256 ? p256 : rsa).get()
    }
}

/// Fixed instants: the pair's PKI is made "at" 2026-11-29T07:00:00Z, so every message below is
/// read inside its certificates' validity whatever the wall clock says.
enum BAHSamples {
    static let orderTime = Timestamp.parse("2026-11-29T07:00:00Z")!
    static let now = Timestamp.parse("2026-11-29T07:00:05Z")!
    static let thb = Currency("THB")!
    static let line = HTTPRequestLine(method: "POST", path: "/ayat/v1/messages")

    /// An order of each kind, with Thai names and characters XML must escape.
    static func instruction(sender: String = "THACC", kind: OrderKind = .freeze) -> OrderInstruction {
        let now = orderTime
        let order = Order(
            id: .generate(), kind: kind, caseID: CaseID("TH-CASE-2026-00001")!, bank: BankCode("014")!,
            account: Account(number: AccountNumber("1402339876")!, holderName: HolderName("สมชาย ใจดี")!),
            amount: Money(minorUnits: 1_500_050, currency: thb),
            reportedTransfer: ReportedTransfer(reference: "TRX<&>\"1", time: now.addingTimeInterval(-900)),
            legalBasis: "Decree s.6 & court order <42>", requestedBy: "officer:AOC-0042",
            reportedAt: now.addingTimeInterval(-300), deadline: now.addingTimeInterval(3300), acceptedAt: now,
            beneficiary: kind == .refund
                ? BankAccount(bank: BankCode("025")!, account: Account(number: AccountNumber("0259876543")!, holderName: HolderName("มานี มีนา")!))
                : nil,
            reason: kind == .freeze ? nil : "FRAD", relatedOrder: kind == .freeze ? nil : .generate()
        )
        return OrderInstruction(order: order, messageID: .generate(), createdAt: now, sender: sender)
    }

    static func receipt(status: Receipt.Status = .rejected) -> Receipt {
        Receipt(
            messageID: MessageID(rawValue: "B014-RCPT-0001"), originalMessageID: MessageID(rawValue: "AYAT-MSG-0001"),
            bank: BankCode("014")!, recipient: "THACC", createdAt: now, status: status,
            reasonCode: status == .rejected ? "AC01" : nil,
            reasonText: status == .rejected ? "บัญชีไม่มีอยู่ (account does not exist)" : nil)
    }

    static func result() -> ExecutionResult {
        ExecutionResult(
            messageID: .generate(prefix: "E014"), originalMessageID: .generate(), bank: BankCode("014")!, recipient: "THACC",
            createdAt: now, kind: .freeze, status: .executed,
            outcome: ExecutionOutcome(
                executedAt: now, amount: Money(minorUnits: 1_200_000, currency: thb),
                onwardTransfers: [
                    OnwardTransfer(to: BankCode("004")!, account: AccountNumber("0048812230")!, holderName: HolderName("ประเสริฐ มั่นคง"),
                                   amount: Money(minorUnits: 5_000_000, currency: thb), reference: "TRX014000001", time: now.addingTimeInterval(-60)),
                    OnwardTransfer(to: BankCode("006")!, account: AccountNumber("0061122334")!, holderName: nil,
                                   amount: Money(minorUnits: 3_000_000, currency: thb), reference: "TRX014000002", time: now.addingTimeInterval(-30)),
                ],
                returnReference: "RET-0001"
            ),
            reasonCode: "PART", reasonText: "ยอดคงเหลือไม่พอ"
        )
    }
}

@Suite struct ISO20022BAHCodecTests {
    @Test(arguments: [SigningKeyAlgorithm.rsa2048, .p256])
    func everyOrderTypeReadsBackExactlyAtTheBank(_ keys: SigningKeyAlgorithm) throws {
        let pair = try BAHCodecPair.shared(keys)
        for kind in OrderKind.all {
            let instruction = BAHSamples.instruction(kind: kind)
            let message = try pair.gateway.renderOrder(instruction, request: BAHSamples.line)
            #expect(message.contentType.hasPrefix("application/xml"))
            let text = String(decoding: message.bytes, as: UTF8.self)
            #expect(text.contains("<MsgDefIdr>ayat.\(kind.rawValue).001</MsgDefIdr>"))
            #expect(text.contains("<BizMsgIdr>\(instruction.messageID.rawValue)</BizMsgIdr>"))
            // Thai names travel byte for byte as UTF-8 (no character references).
            #expect(message.bytes.firstRange(of: Array(instruction.account.holderName.rawValue.utf8)) != nil)
            if let beneficiary = instruction.beneficiary {
                #expect(message.bytes.firstRange(of: Array(beneficiary.account.holderName.rawValue.utf8)) != nil)
            }
            let read = try pair.bank.readOrder(message.bytes, headers: [:], request: BAHSamples.line, at: instruction.createdAt)
            #expect(read == instruction)
            #expect(Array(read.account.holderName.rawValue.utf8) == Array("สมชาย ใจดี".utf8))
        }
    }

    @Test(arguments: [SigningKeyAlgorithm.rsa2048, .p256])
    func receiptsReadBackAtTheGateway(_ keys: SigningKeyAlgorithm) throws {
        let pair = try BAHCodecPair.shared(keys)
        for receipt in [BAHSamples.receipt(status: .rejected), BAHSamples.receipt(status: .accepted)] {
            let message = try pair.bank.renderReply(.receipt(receipt), request: BAHSamples.line)
            #expect(String(decoding: message.bytes, as: UTF8.self).contains("<MsgDefIdr>ayat.receipt.001</MsgDefIdr>"))
            #expect(try pair.gateway.readReply(message.bytes, headers: [:], request: BAHSamples.line, at: BAHSamples.now) == .receipt(receipt))
        }
    }

    @Test(arguments: [SigningKeyAlgorithm.rsa2048, .p256])
    func anExecutionResultWithOnwardTransfersReadsBackAtTheGateway(_ keys: SigningKeyAlgorithm) throws {
        let pair = try BAHCodecPair.shared(keys)
        let result = BAHSamples.result()
        let message = try pair.bank.renderReply(.result(result), request: BAHSamples.line)
        #expect(String(decoding: message.bytes, as: UTF8.self).contains("<MsgDefIdr>ayat.result.001</MsgDefIdr>"))
        #expect(message.bytes.firstRange(of: Array("ประเสริฐ มั่นคง".utf8)) != nil)
        #expect(try pair.gateway.readReply(message.bytes, headers: [:], request: BAHSamples.line, at: BAHSamples.now) == .result(result))
    }

    @Test func theRegistryBuildsThisCodec() throws {
        let pair = try BAHCodecPair.shared(.p256)
        let codec = try DialectRegistry.codec(for: .iso20022BAH, identity: pair.gatewayIdentity, pinned: [pair.bankIdentity.certificate])
        #expect(codec.dialect == .iso20022BAH)
        let message = try codec.renderOrder(BAHSamples.instruction(), request: BAHSamples.line)
        _ = try pair.bank.readOrder(message.bytes, headers: [:], request: BAHSamples.line, at: BAHSamples.now)
    }

    @Test func theMessageHasTheBAHShape() throws {
        let pair = try BAHCodecPair.shared(.p256)
        let instruction = BAHSamples.instruction()
        let message = try pair.gateway.renderOrder(instruction, request: BAHSamples.line)
        let verified = try XMLSignatureVerifier(pinned: [pair.gatewayIdentity.certificate])
            .verifyBusinessApplicationHeader(message.bytes, at: BAHSamples.now)
        #expect(verified.envelope.name == "Message" && verified.envelope.namespace == ISO20022BAHCodec.namespace)
        #expect(verified.header.name == "AppHdr" && verified.header.namespace == "urn:iso:std:iso:20022:tech:xsd:head.001.001.02")
        #expect(verified.header.children.map(\.name) == ["Fr", "To", "BizMsgIdr", "MsgDefIdr", "CreDt", "Sgntr"])
        #expect(verified.header.child("Fr")?.child("FIId")?.child("FinInstnId")?.child("Othr")?.child("Id")?.text == "THACC")
        #expect(verified.header.child("To")?.child("FIId")?.child("FinInstnId")?.child("Othr")?.child("Id")?.text == "014")
        #expect(verified.header.child("CreDt")?.text == "2026-11-29T07:00:00Z")
        #expect(verified.document.attribute("Id") == ISO20022BAHCodec.documentID)
        #expect(verified.document.children.map(\.name) == ["FreezeOrder"])
        #expect(verified.references.map(\.uri) == ["", "#Document", "#KeyInfo"])
        let ski = try #require(try pair.gatewayIdentity.certificate.extensions.subjectKeyIdentifier)
        let text = String(decoding: message.bytes, as: UTF8.self)
        #expect(text.contains("<ds:X509SKI>\(Data(ski.keyIdentifier).base64EncodedString())</ds:X509SKI>"))
        #expect(!text.contains("X509Certificate") && !text.contains("X509IssuerSerial"))
    }

    @Test func anOutboundMessageThatBreaksTheSchemaIsNeverSigned() throws {
        let pair = try BAHCodecPair.shared(.p256)
        let tooLong = BAHSamples.instruction(sender: String(repeating: "X", count: 36))
        #expect(throws: DialectError(.schemaViolation, "")) { try pair.gateway.renderOrder(tooLong, request: BAHSamples.line) }
        var unknown = BAHSamples.instruction()
        unknown.kind = OrderKind(rawValue: "seize")
        #expect(throws: DialectError(.malformed, "")) { try pair.gateway.renderOrder(unknown, request: BAHSamples.line) }
    }

    @Test func aMessageOfTheWrongDirectionIsRefused() throws {
        let pair = try BAHCodecPair.shared(.p256)
        let order = try pair.gateway.renderOrder(BAHSamples.instruction(), request: BAHSamples.line)
        let orderAsReply = #expect(throws: DialectError.self) {
            try pair.bank.readReply(order.bytes, headers: [:], request: BAHSamples.line, at: BAHSamples.now)
        }
        #expect(orderAsReply?.code == .malformed)
        let receipt = try pair.bank.renderReply(.receipt(BAHSamples.receipt()), request: BAHSamples.line)
        let receiptAsOrder = #expect(throws: DialectError.self) {
            try pair.gateway.readOrder(receipt.bytes, headers: [:], request: BAHSamples.line, at: BAHSamples.now)
        }
        #expect(receiptAsOrder?.code == .malformed)
    }

    /// A receipt the pinned (P-256) bank signed, its signature removed, `change`d, and signed
    /// again by the same bank key: the signature verifies whatever the change.
    private func resignedReceipt(_ pair: BAHCodecPair, _ change: (String) -> String) throws -> [UInt8] {
        let receipt = try pair.bank.renderReply(.receipt(BAHSamples.receipt(status: .accepted)), request: BAHSamples.line)
        let text = String(decoding: receipt.bytes, as: UTF8.self)
        let start = try #require(text.range(of: "<Sgntr>"))
        let end = try #require(text.range(of: "</Sgntr>"))
        let unsigned = change(text.replacingCharacters(in: start.lowerBound..<end.upperBound, with: ""))
        guard case .p256(let key) = pair.bankIdentity.key else { throw DialectError(.malformed, "expected a P-256 identity") }
        let signer = try XMLSigner(key: .p256(key), algorithm: .ecdsaP256SHA256, certificate: pair.bankIdentity.certificate)
        return try signer.signBusinessApplicationHeader(Array(unsigned.utf8))
    }

    @Test func aSignedMessageThatBreaksTheSchemaIsRefusedAsASchemaViolation() throws {
        // The signature verifies; the schema (checked on the verifier's own parse) must still
        // refuse the extra element.
        let pair = try BAHCodecPair.shared(.p256)
        let signed = try resignedReceipt(pair) { $0.replacingOccurrences(of: "</Document>", with: "<Unexpected/></Document>") }
        let error = #expect(throws: DialectError.self) {
            try pair.gateway.readReply(signed, headers: [:], request: BAHSamples.line, at: BAHSamples.now)
        }
        #expect(error?.code == .schemaViolation, "\(String(describing: error))")
    }

    @Test func aSignedMessageWhoseMsgDefIdrDisagreesWithItsDocumentIsRefused() throws {
        // Signed by the pinned bank and schema-valid, but labelled as an order while carrying a receipt.
        let pair = try BAHCodecPair.shared(.p256)
        let relabelled = try resignedReceipt(pair) { $0.replacingOccurrences(of: "ayat.receipt.001", with: "ayat.freeze.001") }
        let error = #expect(throws: DialectError.self) {
            try pair.gateway.readReply(relabelled, headers: [:], request: BAHSamples.line, at: BAHSamples.now)
        }
        #expect(error?.code == .malformed)
        #expect(error?.reason.contains("ayat.freeze.001") == true)
    }

    @Test func theShippedSchemasAreTheOnesInTheRepository() throws {
        let repository = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        for name in ["iso20022-bah.xsd", "iso20022-bah-head.001.001.02.xsd"] {
            let shipped = try Schemas.xsd(named: name)
            #expect(shipped == [UInt8](try Data(contentsOf: repository.appending(path: "schemas/\(name)"))))
        }
    }
}

// MARK: - xmlsec1 interop

/// xmlsec1, the reference implementation. Skipped with a message when missing; a failure when CI=true.
enum BAHXMLSec {
    static let executable: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let directories = path.split(separator: ":").map(String.init) + ["/usr/bin", "/usr/local/bin", "/opt/homebrew/bin"]
        return directories.map { "\($0)/xmlsec1" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()
    static var shouldRun: Bool { executable != nil || ProcessInfo.processInfo.environment["CI"] == "true" }
    /// xmlsec1 must be told that `Id` on our Document is an id.
    static let idAttribute = ["--id-attr:Id", "\(ISO20022BAHCodec.namespace):Document"]

    static func run(_ arguments: [String], in directory: URL) throws -> (status: Int32, output: String) {
        let executable = try #require(executable, "xmlsec1 is not installed but CI=true requires the interop tests")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appending(path: "ayat-bah-xmlsec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A signed message turned back into an xmlsec1 template: same layout, values emptied.
    static func template(from signed: String) -> String {
        var text = signed
        for element in ["ds:DigestValue", "ds:SignatureValue", "ds:X509SKI"] {
            let pattern = "<\(element)>[^<]*</\(element)>"
            text = text.replacingOccurrences(of: pattern, with: "<\(element)/>", options: .regularExpression)
        }
        return text
    }
}

@Suite(
    "iso20022-bah interop with xmlsec1",
    .enabled(if: BAHXMLSec.shouldRun, "xmlsec1 not found: interop tests skipped (CI=true makes this a failure)"))
struct ISO20022BAHInteropTests {
    /// xmlsec1 1.2.37 has no RSA-PSS; the codec signs RSA-SHA256 or ECDSA-P256-SHA256.
    @Test("xmlsec1 --verify accepts every message the codec signs", arguments: [SigningKeyAlgorithm.rsa2048, .p256])
    func xmlsecVerifiesOurMessages(_ keys: SigningKeyAlgorithm) throws {
        let pair = try BAHCodecPair.shared(keys)
        let directory = try BAHXMLSec.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.copyItem(at: pair.pki.gatewaySigning.certificate, to: directory.appending(path: "gateway.pem"))
        try FileManager.default.copyItem(at: pair.pki.bank("014").signing.certificate, to: directory.appending(path: "bank.pem"))

        var messages: [(String, RenderedMessage, String)] = OrderKind.all.map { kind in
            ("gateway.pem", try! pair.gateway.renderOrder(BAHSamples.instruction(kind: kind), request: BAHSamples.line), "\(kind)")
        }
        messages.append(("bank.pem", try pair.bank.renderReply(.receipt(BAHSamples.receipt()), request: BAHSamples.line), "receipt"))
        messages.append(("bank.pem", try pair.bank.renderReply(.result(BAHSamples.result()), request: BAHSamples.line), "result"))
        for (certificate, message, name) in messages {
            try Data(message.bytes).write(to: directory.appending(path: "\(name).xml"))
            let accepted = try BAHXMLSec.run(
                ["--verify", "--pubkey-cert-pem", certificate] + BAHXMLSec.idAttribute + ["\(name).xml"], in: directory)
            #expect(accepted.status == 0, "\(name): \(accepted.output)")
            #expect(accepted.output.contains("SignedInfo References (ok/all): 3/3"), "\(name): \(accepted.output)")
        }

        // Control: xmlsec1 refuses a changed header field and a changed Document.
        let receipt = String(decoding: messages[3].1.bytes, as: UTF8.self)
        for (anchor, replacement) in [("<Status>RJCT<", "<Status>ACCP<"), ("<Id>014</Id>", "<Id>015</Id>")] {
            let tampered = receipt.replacingOccurrences(of: anchor, with: replacement)
            #expect(tampered != receipt)
            try Data(tampered.utf8).write(to: directory.appending(path: "tampered.xml"))
            let refused = try BAHXMLSec.run(
                ["--verify", "--pubkey-cert-pem", "bank.pem"] + BAHXMLSec.idAttribute + ["tampered.xml"], in: directory)
            #expect(refused.status != 0, "\(refused.output)")
        }
    }

    @Test("the codec reads what xmlsec1 --sign produced from a template of the layout", arguments: [SigningKeyAlgorithm.rsa2048, .p256])
    func weReadXMLSecMessages(_ keys: SigningKeyAlgorithm) throws {
        let pair = try BAHCodecPair.shared(keys)
        let directory = try BAHXMLSec.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let receipt = BAHSamples.receipt()
        let ours = String(decoding: try pair.bank.renderReply(.receipt(receipt), request: BAHSamples.line).bytes, as: UTF8.self)
        let template = BAHXMLSec.template(from: ours)
        #expect(template.contains("<ds:SignatureValue/>") && template.contains("<ds:X509SKI/>"))
        try Data(template.utf8).write(to: directory.appending(path: "template.xml"))
        let files = pair.pki.bank("014").signing
        let signing = try BAHXMLSec.run(
            ["--sign", "--privkey-pem", "\(files.privateKey.path),\(files.certificate.path)"] + BAHXMLSec.idAttribute
                + ["--output", "signed.xml", "template.xml"], in: directory)
        try #require(signing.status == 0, "\(signing.output)")
        let signed = [UInt8](try Data(contentsOf: directory.appending(path: "signed.xml")))

        #expect(try pair.gateway.readReply(signed, headers: [:], request: BAHSamples.line, at: BAHSamples.now) == .receipt(receipt))
        let tampered = String(decoding: signed, as: UTF8.self).replacingOccurrences(of: "<Status>RJCT<", with: "<Status>ACCP<")
        #expect(throws: DialectError(.signatureInvalid, "")) {
            try pair.gateway.readReply(Array(tampered.utf8), headers: [:], request: BAHSamples.line, at: BAHSamples.now)
        }
    }
}
