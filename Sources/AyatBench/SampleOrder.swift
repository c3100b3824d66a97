import AyatCore
import AyatDialects
import AyatPKI
import Foundation

/// The ~2 KB freeze order every signature figure is measured on, and a signed copy of it on disk
/// for the baselines to sign and verify the same bytes.
public enum SampleOrder {
    public static func instruction(now: Date = Date()) -> OrderInstruction {
        let now = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        return OrderInstruction(order: order(now: now), messageID: .generate(), createdAt: now, sender: "THACC")
    }

    public static func order(now: Date = Date()) -> Order {
        let now = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        return Order(
            id: .generate(), kind: .freeze, caseID: CaseID("TH-CASE-2026-00001")!, bank: BankCode("014")!,
            account: Account(number: AccountNumber("1402339876")!, holderName: HolderName("สมชาย ใจดี")!),
            amount: Money(minorUnits: 1_500_000, currency: Currency("THB")!),
            reportedTransfer: ReportedTransfer(reference: "TRX2026112900001", time: now.addingTimeInterval(-900)),
            legalBasis: "Emergency Decree on Technology Crime B.E. 2566, s. 6", requestedBy: "officer:AOC-0042",
            reportedAt: now.addingTimeInterval(-300), deadline: now.addingTimeInterval(3300), acceptedAt: now
        )
    }

    /// Files for one key type: the gateway's key and certificate, and the order signed in `dialect`.
    public struct Files: Sendable {
        public let privateKey: URL
        public let certificate: URL
        public let signedMessage: URL
        public let bytes: Int
    }

    public static func write(keys: SigningKeyAlgorithm, dialect: DialectName = .xmlEnveloped, in directory: URL) throws -> Files {
        let pki = try DevPKI.generate(in: directory.appending(path: keys.rawValue), banks: ["014"], signingKeys: keys)
        let gateway = try SigningIdentity(certificate: pki.gatewaySigning.certificate, privateKey: pki.gatewaySigning.privateKey)
        let bank = try SigningIdentity(certificate: pki.bank("014").signing.certificate, privateKey: pki.bank("014").signing.privateKey)
        let codec = try DialectRegistry.codec(for: dialect, identity: gateway, pinned: [bank.certificate])
        let sample = try codec.renderOrder(instruction(), request: HTTPRequestLine(method: "POST", path: "/ayat/v1/messages"))
        let file = directory.appending(path: "\(keys.rawValue)-\(dialect.rawValue)-sample")
        try Data(sample.bytes).write(to: file)
        return Files(privateKey: pki.gatewaySigning.privateKey, certificate: pki.gatewaySigning.certificate, signedMessage: file, bytes: sample.bytes.count)
    }
}
