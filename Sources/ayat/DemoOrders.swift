import Foundation
import AyatCore
import AyatSimulator

/// The demo's scam: a victim at bank 025 paid 100,000 THB to a mule at 014,
/// whose money moved on to 004 and 006 (and from 004 on to 006 again), as the
/// shipped simulators' ledgers record.
struct DemoStory {
    let caseID: String
    let victimBank: String
    let victimAccount: String
    let victimName: String
    let firstBank: String
    let firstAccount: String
    let firstHolder: String
    let amount: String
    /// The hops the shipped ledgers lead to: 014 → 004 → 006, and 014 → 006.
    let expectedHops: Int
    let reportedAt: Date

    static var shipped: DemoStory {
        DemoStory(caseID: "TH-CASE-2026-01234", victimBank: "025", victimAccount: "0259876543", victimName: "มานี มีนา",
                  firstBank: "014", firstAccount: "1402339876", firstHolder: "สมชาย ใจดี", amount: "100000.00", expectedHops: 4,
                  reportedAt: Date().addingTimeInterval(-20 * 60))
    }

    func caseBody() -> String {
        json([
            "reportedAt": Timestamp.formatSeconds(reportedAt), "chasing": true,
            "victim": ["bank": victimBank, "number": victimAccount, "holderName": victimName],
        ])
    }

    func firstFreeze() -> String {
        order(type: "freeze", bank: firstBank, number: firstAccount, holder: firstHolder, amount: amount, extra: [:])
    }

    func refund(bank: String, number: String, holder: String, amount: String, relatedOrder: String) -> String {
        order(type: "refund", bank: bank, number: number, holder: holder, amount: amount, extra: [
            "beneficiary": ["bank": victimBank, "number": victimAccount, "holderName": victimName],
            "reason": "FRAD", "relatedOrderId": relatedOrder,
            "legalBasis": "Royal Decree on Returning Money to Fraud Victims, court order 1234/2569",
        ])
    }

    struct Extra {
        let label: String
        let key: String
        let body: String
    }

    /// Another victim's freeze at the fourth bank (its own dialect), and one invalid order.
    func extraOrders(banks: [SimulatedBankConfiguration]) -> [Extra] {
        var extras = [Extra]()
        if let bank = banks.first(where: { $0.code.rawValue == "025" }), let account = bank.accounts.first(where: { $0.number != victimAccount }) {
            extras.append(Extra(label: "freeze 025", key: "demo-025-\(UUID().uuidString)", body: order(
                type: "freeze", bank: "025", number: account.number, holder: account.holder, amount: "15000.00",
                extra: ["caseId": "TH-CASE-2026-01235"])))
        }
        extras.append(Extra(label: "invalid (unknown bank, negative amount)", key: "demo-invalid-\(UUID().uuidString)", body: order(
            type: "freeze", bank: "999", number: "12345", holder: "สมหญิง ทดสอบ", amount: "-10", extra: ["caseId": "TH-CASE-2026-09999"])))
        return extras
    }

    private func order(type: String, bank: String, number: String, holder: String, amount: String, extra: [String: Any]) -> String {
        var object: [String: Any] = [
            "type": type, "caseId": caseID, "bank": bank,
            "account": ["number": number, "holderName": holder],
            "amount": ["value": amount, "currency": "THB"],
            "reportedTransfer": ["reference": "TRX2026112900777", "time": Timestamp.formatSeconds(reportedAt.addingTimeInterval(-600))],
            "reportedAt": Timestamp.formatSeconds(reportedAt),
            "legalBasis": "Emergency Decree on Technology Crime B.E. 2566, s. 6",
            "requestedBy": "officer:AOC-0042",
        ]
        object.merge(extra) { _, new in new }
        return json(object)
    }

    private func json(_ object: [String: Any]) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data(), as: UTF8.self)
    }

    // MARK: Showing the case

    static func rows(_ view: [String: Any], dialects: [String: String]) -> [[String]] {
        flatten(view["trail"] as? [[String: Any]] ?? []).map { hop in
            let depth = max((hop["hop"] as? Int ?? 1) - 1, 0)
            let onward = (hop["onwardTransfers"] as? [[String: Any]] ?? []).map { "\(money($0["amount"])) → \($0["toBank"] ?? "")" }
            let bank = hop["bank"] as? String ?? ""
            return [
                String(repeating: "  ", count: depth) + "└ " + String(hop["hop"] as? Int ?? 1), bank, dialects[bank] ?? "",
                "…" + String((hop["account"] as? String ?? "").suffix(4)), hop["holderName"] as? String ?? "",
                hop["status"] as? String ?? "", hop["deadlineState"] as? String ?? "", money(hop["amountHeld"]),
                onward.joined(separator: ", "),
            ]
        }
    }

    /// The tree in reading order: each hop followed by the hops it led to.
    static func flatten(_ hops: [[String: Any]]) -> [[String: Any]] {
        hops.flatMap { [$0] + flatten($0["next"] as? [[String: Any]] ?? []) }
    }

    static func money(_ value: Any?) -> String {
        guard let amount = value as? [String: Any], let text = amount["value"] as? String else { return "" }
        return "\(text) \(amount["currency"] as? String ?? "")"
    }

    static func total(_ value: Any?) -> String {
        (value as? [[String: Any]] ?? []).map { money($0) }.joined(separator: " + ").nonEmpty ?? "0"
    }

}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
