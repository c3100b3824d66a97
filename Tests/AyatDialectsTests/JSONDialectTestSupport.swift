import Foundation
import Testing
import AyatCore
import AyatJOSE
import AyatPKI
import X509
@testable import AyatDialects

/// The JSON dialect profiles under test.
enum JSONProfile: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case detached = "jws-detached"
    case detachedUnencoded = "jws-detached b64:false"
    case header = "jws-header"
    var testDescription: String { rawValue }

    func codec(identity: SigningIdentity, pinned: [Certificate], localParty: String? = nil,
               replays: JWSReplayCache = JWSReplayCache(), refuseIdenticalResends: Bool = false) throws -> any DialectCodec {
        switch self {
        case .detached:
            try JWSDetachedCodec(identity: identity, pinned: pinned, unencodedPayload: false, localParty: localParty,
                                 replays: replays, refuseIdenticalResends: refuseIdenticalResends)
        case .detachedUnencoded:
            try JWSDetachedCodec(identity: identity, pinned: pinned, unencodedPayload: true, localParty: localParty,
                                 replays: replays, refuseIdenticalResends: refuseIdenticalResends)
        case .header:
            try JWSHeaderCodec(identity: identity, pinned: pinned, localParty: localParty,
                               replays: replays, refuseIdenticalResends: refuseIdenticalResends)
        }
    }

    var signatureHeader: String {
        self == .header ? JWSHeaderCodec.signatureHeader : JWSDetachedCodec.signatureHeader
    }
}

/// Both ends of a JSON dialect with identities from a freshly generated dev PKI
/// (one PKI per key type, generated once per process: RSA key generation is slow).
struct JSONCodecPair {
    let gateway: any DialectCodec
    let bank: any DialectCodec
    let gatewayIdentity: SigningIdentity
    let bankIdentity: SigningIdentity
    /// Its PEM files exist only for the shared identities (the default, `fresh: false`).
    let pki: DevPKILayout

    init(_ profile: JSONProfile, keys: SigningKeyAlgorithm = .rsa2048, fresh: Bool = false,
         gatewayLocalParty: String? = nil, bankLocalParty: String? = nil, refuseIdenticalResends: Bool = false) throws {
        let identities = try fresh ? JSONTestIdentities(keys: keys) : JSONTestIdentities.shared(keys)
        pki = identities.pki
        gatewayIdentity = identities.gateway
        bankIdentity = identities.bank
        gateway = try profile.codec(identity: gatewayIdentity, pinned: [bankIdentity.certificate], localParty: gatewayLocalParty,
                                    refuseIdenticalResends: refuseIdenticalResends)
        bank = try profile.codec(identity: bankIdentity, pinned: [gatewayIdentity.certificate], localParty: bankLocalParty,
                                 refuseIdenticalResends: refuseIdenticalResends)
    }
}

struct JSONTestIdentities: Sendable {
    let pki: DevPKILayout
    let gateway: SigningIdentity
    let bank: SigningIdentity

    /// A dev PKI generated in `directory`, where its files stay; without one, in a temporary
    /// directory removed as soon as the identities are loaded into memory.
    init(keys: SigningKeyAlgorithm, in directory: URL? = nil) throws {
        let temporary = FileManager.default.temporaryDirectory.appending(path: "ayat-json-dialect-\(UUID().uuidString)")
        defer { if directory == nil { try? FileManager.default.removeItem(at: temporary) } }
        pki = try DevPKI.generate(in: directory ?? temporary, banks: ["014"], signingKeys: keys)
        gateway = try SigningIdentity(certificate: pki.gatewaySigning.certificate, privateKey: pki.gatewaySigning.privateKey)
        bank = try SigningIdentity(certificate: pki.bank("014").signing.certificate, privateKey: pki.bank("014").signing.privateKey)
    }

    /// The shared identities keep their files: the interop tests hand their paths to Python, and
    /// tests run in parallel, so no test knows it is the last. One directory per process stays behind.
    private static let sharedDirectory = FileManager.default.temporaryDirectory.appending(path: "ayat-json-dialect-\(UUID().uuidString)")
    private static let rsa = Result { try JSONTestIdentities(keys: .rsa2048, in: sharedDirectory.appending(path: "rsa2048")) }
    private static let p256 = Result { try JSONTestIdentities(keys: .p256, in: sharedDirectory.appending(path: "p256")) }

    static func shared(_ keys: SigningKeyAlgorithm) throws -> JSONTestIdentities {
        try (keys == .p256 ? p256 : rsa).get()
    }
}

/// Fixtures and helpers of the JSON dialect tests (namespaced: other dialects' tests share the target).
enum JSONFixtures {
    static let now = Timestamp.parse("2026-11-29T07:00:05Z")!
    static let thb = Currency("THB")!
    static let orderLine = HTTPRequestLine(method: "POST", path: "/ayat/v1/messages")

    /// An order at a fixed time (07:00:00Z, five seconds before ``now``), with Thai names and
    /// characters JSON must escape. Own fixture, so other dialects' test helpers can change freely.
    static func instruction(holder: String = "สมชาย ใจดี", sender: String = "THACC", kind: OrderKind = .freeze) -> OrderInstruction {
        let created = Timestamp.parse("2026-11-29T07:00:00Z")!
        let order = Order(
            id: .generate(), kind: kind, caseID: CaseID("TH-CASE-2026-00001")!, bank: BankCode("014")!,
            account: Account(number: AccountNumber("1402339876")!, holderName: HolderName(holder)!),
            amount: Money(minorUnits: 1_500_050, currency: thb),
            reportedTransfer: ReportedTransfer(reference: "TRX<&>\"1", time: created.addingTimeInterval(-900)),
            legalBasis: "Decree s.6 & court order <42>", requestedBy: "officer:AOC-0042",
            reportedAt: created.addingTimeInterval(-300), deadline: created.addingTimeInterval(3300), acceptedAt: created,
            beneficiary: kind == .refund
                ? BankAccount(bank: BankCode("025")!, account: Account(number: AccountNumber("0259876543")!, holderName: HolderName("มานี มีนา")!))
                : nil,
            reason: kind == .freeze ? nil : "FRAD", relatedOrder: kind == .freeze ? nil : .generate()
        )
        return OrderInstruction(order: order, messageID: .generate(), createdAt: created, sender: sender)
    }

    static func sampleReceipt(messageID: MessageID = .generate(prefix: "B014"), status: Receipt.Status = .rejected) -> Receipt {
        Receipt(
            messageID: messageID, originalMessageID: .generate(), bank: BankCode("014")!, recipient: "THACC",
            createdAt: now, status: status, reasonCode: status == .rejected ? "AC01" : nil,
            reasonText: status == .rejected ? "บัญชีไม่ถูกต้อง / account does not exist" : nil
        )
    }

    static func sampleResult(messageID: MessageID = .generate(prefix: "E014")) -> ExecutionResult {
        ExecutionResult(
            messageID: messageID, originalMessageID: .generate(), bank: BankCode("014")!, recipient: "THACC",
            createdAt: now, kind: .freeze, status: .executed,
            outcome: ExecutionOutcome(
                executedAt: now, amount: Money(minorUnits: 1_200_000, currency: thb),
                onwardTransfers: [
                    OnwardTransfer(to: BankCode("004")!, account: AccountNumber("0048812230")!, holderName: HolderName("ประเสริฐ มั่นคง"),
                                   amount: Money(minorUnits: 5_000_000, currency: thb), reference: "TRX014000001", time: now.addingTimeInterval(-60)),
                    OnwardTransfer(to: BankCode("006")!, account: AccountNumber("0061122334")!, holderName: nil,
                                   amount: Money(minorUnits: 3_000_000, currency: thb), reference: "TRX014000002", time: now.addingTimeInterval(-30)),
                ],
                returnReference: "RET-014-0001"
            )
        )
    }

    /// A refund result with a failure reason, so every optional member is exercised somewhere.
    static func sampleFailedRefund() -> ExecutionResult {
        ExecutionResult(
            messageID: .generate(prefix: "E014"), originalMessageID: .generate(), bank: BankCode("014")!, recipient: "THACC",
            createdAt: now, kind: .refund, status: .failed, outcome: ExecutionOutcome(executedAt: now, amount: nil),
            reasonCode: "AC04", reasonText: "บัญชีปิดแล้ว"
        )
    }

    /// Expects `body` to throw a `DialectError` with `code` whose reason mentions `reason`.
    static func expectRefusal(
        _ code: DialectError.Code, mentioning reason: String? = nil, sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () throws -> Void
    ) {
        do {
            try body()
            Issue.record("expected a \(code) refusal, but it was accepted", sourceLocation: sourceLocation)
        } catch let error as DialectError {
            #expect(error.code == code, "got \(error)", sourceLocation: sourceLocation)
            if let reason {
                #expect(error.reason.contains(reason), "reason \"\(error.reason)\" does not mention \"\(reason)\"", sourceLocation: sourceLocation)
            }
        } catch {
            Issue.record("expected a DialectError \(code), got \(error)", sourceLocation: sourceLocation)
        }
    }

    /// Signs `payload` with `identity`'s key under an arbitrary protected header, detached.
    static func forgeDetached(_ header: JOSEHeader, payload: [UInt8], identity: SigningIdentity, algorithm: JWSAlgorithm, unencoded: Bool = false) throws -> String {
        let key: JWSSigningKey = switch identity.key {
        case .rsa(let rsa): .rsa(rsa)
        case .p256(let ec): .p256(ec)
        }
        return try JWSSigner(key: key, algorithm: algorithm).signDetached(header: header, payload: payload, unencodedPayload: unencoded)
    }

    /// A token with an arbitrary (unsigned) header and a junk signature, for `none`/HMAC attacks.
    static func unsignedDetached(_ header: JOSEHeader) -> String {
        Base64URL.encode(header.encoded()) + ".." + Base64URL.encode(Array(repeating: UInt8(7), count: 32))
    }

    /// The `fspiop-signature` value for a detached token.
    static func fspiopValue(_ token: String) -> String {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        return "{\"signature\":\"\(parts[2])\",\"protectedHeader\":\"\(parts[0])\"}"
    }

    static func repositoryRoot() -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
}

// MARK: Python

/// Runs independent verifiers in Python. Missing tools fail the test when CI=true, else the test is skipped.
enum JSONPython {
    static let isCI = ProcessInfo.processInfo.environment["CI"] == "true"

    static func hasModules(_ modules: [String]) -> Bool {
        (try? run(script: "import \(modules.joined(separator: ", "))\n", arguments: []))?.status == 0
    }

    /// Enabled when the modules import, or always on CI (where their absence must fail).
    static func available(_ modules: String...) -> Bool { isCI || hasModules(modules) }

    struct Outcome {
        var status: Int32
        var output: String
    }

    /// Writes `script` to a temporary directory and runs it with `/usr/bin/env python3`.
    static func run(script: String, arguments: [String]) throws -> Outcome {
        let directory = FileManager.default.temporaryDirectory.appending(path: "ayat-py-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appending(path: "check.py")
        try Data(script.utf8).write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", file.path] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }
}
