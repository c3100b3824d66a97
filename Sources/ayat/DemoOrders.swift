import Foundation
import AyatCore
import AyatSimulator

/// The sample orders `ayat demo` submits: one per shipped account, and one invalid.
enum DemoOrders {
    struct Sample {
        let label: String
        let bank: String
        let key: String
        let body: String
    }

    static func samples(banks: [SimulatedBankConfiguration], now: Date = Date()) -> [Sample] {
        let reported = Timestamp.formatSeconds(now.addingTimeInterval(-600))
        var samples = [Sample]()
        var index = 0
        for bank in banks {
            for account in bank.accounts.prefix(2) {
                index += 1
                let caseID = "TH-CASE-2026-\(String(format: "%05d", 1200 + index))"
                samples.append(Sample(
                    label: "freeze \(bank.code)/…\(account.number.suffix(4))",
                    bank: bank.code.rawValue,
                    key: "demo-\(UUID().uuidString)",
                    body: order(caseID: caseID, bank: bank.code.rawValue, number: account.number, holder: account.holder,
                                amount: index % 2 == 0 ? "20000.00" : "15000.00", reported: reported, reference: "TRX\(20261129000 + index)")
                ))
            }
        }
        samples.append(Sample(
            label: "invalid (unknown bank, negative amount)",
            bank: "999",
            key: "demo-invalid-\(UUID().uuidString)",
            body: order(caseID: "TH-CASE-2026-09999", bank: "999", number: "12345", holder: "สมหญิง ทดสอบ",
                        amount: "-10", reported: reported, reference: "TRX0")
        ))
        return samples
    }

    private static func order(caseID: String, bank: String, number: String, holder: String, amount: String, reported: String, reference: String) -> String {
        let object: [String: Any] = [
            "type": "freeze",
            "caseId": caseID,
            "bank": bank,
            "account": ["number": number, "holderName": holder],
            "amount": ["value": amount, "currency": "THB"],
            "reportedTransfer": ["reference": reference, "time": reported],
            "reportedAt": reported,
            "legalBasis": "Emergency Decree on Technology Crime B.E. 2566, s. 6",
            "requestedBy": "officer:AOC-0042",
        ]
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}
