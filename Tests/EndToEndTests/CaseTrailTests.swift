import Foundation
import Testing
import AyatCore
import AyatSandbox
import AyatSimulator

/// Following the money: a case's trail chased across banks and dialects,
/// loops and accounts already frozen, and what the case view reports.
@Suite struct CaseTrailTests {
    static let chasingCase = """
        {"reportedAt":"\(Timestamp.formatSeconds(Date().addingTimeInterval(-300)))","chasing":true,
         "victim":{"bank":"025","number":"0259876543","holderName":"มานี มีนา"}}
        """

    /// The shipped trail: the victim paid 100,000 to 014/1402339876 (xml-enveloped, sync), which sent
    /// 50,000 on to 004/0048812230 (iso20022-bah, callback) and 30,000 to 006/0061122334 (jws-detached,
    /// poll); 004 sent 20,000 of it on to 006/0065566778. Four hops over three banks, one branch splitting.
    @Test func everyHopOfATrailIsFrozenForWhatReachedItLessWhatMovedOn() async throws {
        try await withDeployment { deployment in
            let caseID = "TH-CASE-TRAIL-1"
            #expect(try await put(deployment, "/v1/cases/\(caseID)", body: Self.chasingCase).status == 200)
            let reply = try await post(deployment, "/v1/orders", body: freezeOrderJSON(amount: "100000.00", caseID: caseID))
            #expect(reply.status == 202)
            let root = try #require(reply.json["id"] as? String)

            let view = try await waitForCase(deployment, caseID) { summary in
                summary["hopsFrozen"] as? Int == 4 && summary["hopsOpen"] as? Int == 0
            }
            let summary = try #require(view["summary"] as? [String: Any])
            #expect(((summary["totalHeld"] as? [[String: Any]])?.first?["value"] as? String) == "100000.00")
            #expect(((summary["totalReported"] as? [[String: Any]])?.first?["value"] as? String) == "100000.00")
            #expect(summary["reportToLastHopFrozenSeconds"] is Double)

            let trail = try #require(view["trail"] as? [[String: Any]])
            #expect(trail.count == 1)
            let first = try #require(trail.first)
            #expect(first["orderId"] as? String == root)
            #expect(held(first) == "20000.00", "100,000 arrived and 80,000 moved on")
            let next = try #require(first["next"] as? [[String: Any]])
            #expect(Set(next.compactMap { $0["bank"] as? String }) == ["004", "006"])
            let lanna = try #require(next.first { $0["bank"] as? String == "004" })
            let isan = try #require(next.first { $0["bank"] as? String == "006" })
            #expect(held(lanna) == "30000.00", "50,000 arrived and 20,000 moved on")
            #expect(held(isan) == "30000.00")
            #expect(lanna["hop"] as? Int == 2)
            let third = try #require((lanna["next"] as? [[String: Any]])?.first)
            #expect(third["bank"] as? String == "006")
            #expect(third["account"] as? String == "0065566778")
            #expect(third["hop"] as? Int == 3)
            #expect(held(third) == "20000.00")
            // Every onward transfer names the freeze that chased it.
            let transfers = try #require(first["onwardTransfers"] as? [[String: Any]])
            #expect(transfers.allSatisfy { $0["chasedBy"] is String })

            // The banks' own books agree.
            #expect(try await heldAt(deployment, "014", "1402339876") == 2_000_000)
            #expect(try await heldAt(deployment, "004", "0048812230") == 3_000_000)
            #expect(try await heldAt(deployment, "006", "0061122334") == 3_000_000)
            #expect(try await heldAt(deployment, "006", "0065566778") == 2_000_000)

            // The court orders the money back: a refund from every hold, to the victim's account at 025.
            let victim = try #require(deployment.simulators[BankCode("025")!]).ledger
            let before = try #require(await victim.account(AccountNumber("0259876543")!)).balance.minorUnits
            var refunds = [OrderID]()
            for hop in [first, lanna, isan, third] {
                let body = refundJSON(caseID: caseID, bank: hop["bank"] as! String, number: hop["account"] as! String,
                                      holder: hop["holderName"] as! String, amount: held(hop)!, related: hop["orderId"] as! String)
                let reply = try await post(deployment, "/v1/orders", body: body)
                #expect(reply.status == 202, "\(reply.json)")
                refunds.append(OrderID(rawValue: try #require(reply.json["id"] as? String)))
            }
            for id in refunds {
                let record = try await waitFor(deployment, order: id) { record, _ in record.state.isTerminal }
                #expect(record.state == .executed)
                #expect(record.execution?.returnReference != nil)
            }
            let after = try #require(await victim.account(AccountNumber("0259876543")!)).balance.minorUnits
            #expect(after - before == 10_000_000, "the victim got back all 100,000 held")
            #expect(try await heldAt(deployment, "014", "1402339876") == 0)
            let settled = try await get(deployment, "/v1/cases/\(caseID)").json["summary"] as? [String: Any] ?? [:]
            #expect(((settled["totalRefunded"] as? [[String: Any]])?.first?["value"] as? String) == "100000.00")

            // Each hop opened is an event in the feed.
            let events = try await get(deployment, "/v1/events?caseId=\(caseID)&limit=1000").json["events"] as? [[String: Any]] ?? []
            #expect(events.filter { $0["type"] as? String == "case.hop-opened" }.count == 3)
            #expect(events.filter { $0["type"] as? String == "order.executed" }.count == 8, "four freezes and four refunds")
        }
    }

    /// A trail that comes back to where it started, and an account the case system had already frozen:
    /// each account is frozen once.
    @Test func loopsAndAccountsAlreadyFrozenAreNotFrozenTwice() async throws {
        var banks = try LocalDeployment.shippedBanks()
        // 006/0065566778 sends money back to the first mule: the trail loops.
        let isan = try #require(banks.firstIndex { $0.code.rawValue == "006" })
        let mule = try #require(banks[isan].accounts.firstIndex { $0.number == "0065566778" })
        banks[isan].accounts[mule].transfers = [
            .init(toBank: "014", toAccount: "1402339876", toHolder: "สมชาย ใจดี", amount: "5000.00", reference: "TRX006LOOP01",
                  minutesAfterStart: 1),
        ]
        try await withDeployment(banks: banks) { deployment in
            let caseID = "TH-CASE-LOOP-1"
            #expect(try await put(deployment, "/v1/cases/\(caseID)", body: Self.chasingCase).status == 200)
            // The case system froze 006/0061122334 itself before the first hop's result came in.
            let direct = try await post(deployment, "/v1/orders", body: freezeOrderJSON(
                bank: "006", number: "0061122334", holder: "อรุณี รุ่งเรือง", amount: "30000.00", caseID: caseID))
            let directID = OrderID(rawValue: try #require(direct.json["id"] as? String))
            try await waitFor(deployment, order: directID) { record, _ in record.state.isTerminal }
            _ = try await post(deployment, "/v1/orders", body: freezeOrderJSON(amount: "100000.00", caseID: caseID))

            let view = try await waitForCase(deployment, caseID) { summary in
                summary["hopsFrozen"] as? Int == 4 && summary["hopsOpen"] as? Int == 0
            }
            let records = try await deployment.gateway.store.orders(inCase: CaseID(caseID)!)
            let targets = records.map { "\($0.order.bank)/\($0.order.account.number.rawValue)" }
            #expect(targets.count == Set(targets).count, "no account frozen twice: \(targets)")
            #expect(records.count == 4)
            // The loop's transfer points back at the first hop, which chases nothing new.
            // A hop counts as frozen once executed; its own chase is recorded just after, so wait for it.
            let loopHop = try #require(records.first { $0.order.account.number.rawValue == "0065566778" })
            _ = try await waitFor(deployment, order: loopHop.order.id) { _, timeline in timeline.contains { $0.event == "chase" } }
            let loopTimeline = try await deployment.gateway.store.timeline(of: loopHop.order.id)
            #expect(loopTimeline.contains { $0.event == "chase" && ($0.detail ?? "").contains("already frozen in this case") })
            #expect(try await heldAt(deployment, "006", "0061122334") == 3_000_000, "held once, not twice")
            #expect((view["trail"] as? [[String: Any]])?.count == 2, "the case system's own freeze is a root of the tree")
            let ledger = try #require(deployment.simulators[BankCode("014")!]).ledger
            #expect(await ledger.holdsPlaced == 1)
        }
    }

    @Test func withoutChasingTheOnwardTransfersAreReportedAndNothingIsOpened() async throws {
        try await withDeployment { deployment in
            let caseID = "TH-CASE-NOCHASE-1"
            let reply = try await post(deployment, "/v1/orders", body: freezeOrderJSON(amount: "100000.00", caseID: caseID))
            let id = OrderID(rawValue: try #require(reply.json["id"] as? String))
            try await waitFor(deployment, order: id) { record, timeline in timeline.contains { $0.event == "chase" } }
            let records = try await deployment.gateway.store.orders(inCase: CaseID(caseID)!)
            #expect(records.count == 1)
            let events = try await get(deployment, "/v1/events?caseId=\(caseID)").json["events"] as? [[String: Any]] ?? []
            #expect(events.contains { $0["type"] as? String == "case.onward-transfers" })
        }
    }

    @Test func aCaseThatDoesNotExistIsAProblem() async throws {
        try await withDeployment { deployment in
            let missing = try await get(deployment, "/v1/cases/NO-SUCH-CASE")
            #expect(missing.status == 404)
            #expect(missing.headers["content-type"]?.hasPrefix("application/problem+json") == true)
            let bad = try await put(deployment, "/v1/cases/TH-BAD-1", body: #"{"victim":{"bank":"xx","number":"1"}}"#)
            #expect(bad.status == 422)
            #expect(Set((bad.json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String })
                    == ["victim.bank", "victim.number", "victim.holderName"])
        }
    }

    func refundJSON(caseID: String, bank: String, number: String, holder: String, amount: String, related: String) -> String {
        """
        {"type":"refund","caseId":"\(caseID)","bank":"\(bank)",
         "account":{"number":"\(number)","holderName":"\(holder)"},
         "amount":{"value":"\(amount)","currency":"THB"},
         "reportedTransfer":{"reference":"TRX2026112900001","time":"\(Timestamp.formatSeconds(Date().addingTimeInterval(-900)))"},
         "reportedAt":"\(Timestamp.formatSeconds(Date().addingTimeInterval(-300)))",
         "beneficiary":{"bank":"025","number":"0259876543","holderName":"มานี มีนา"},
         "reason":"FRAD","relatedOrderId":"\(related)",
         "legalBasis":"court order 1234/2569","requestedBy":"officer:AOC-0042"}
        """
    }

    func held(_ hop: [String: Any]) -> String? {
        (hop["amountHeld"] as? [String: Any])?["value"] as? String
    }

    func heldAt(_ deployment: LocalDeployment, _ bank: String, _ number: String) async throws -> Int64? {
        let simulator = try #require(deployment.simulators[BankCode(bank)!])
        return await simulator.ledger.account(AccountNumber(number)!)?.held.minorUnits
    }
}

/// Waits until the case's summary satisfies `condition`, re-reading the case on every recorded change.
@discardableResult
func waitForCase(
    _ deployment: LocalDeployment, _ id: String, timeout: Duration = .seconds(30),
    until condition: @escaping @Sendable ([String: Any]) -> Bool
) async throws -> [String: Any] {
    @Sendable func check() async throws -> JSONBox? {
        let view = try await get(deployment, "/v1/cases/\(id)").json
        guard let summary = view["summary"] as? [String: Any], condition(summary) else { return nil }
        return JSONBox(value: view)
    }
    return try await waitOnFeed(deployment, timeout: timeout, check: check) {
        let summary = try await get(deployment, "/v1/cases/\(id)").json["summary"] ?? "none"
        return "case \(id) did not reach the expected state within \(timeout): \(summary)"
    }.value
}

/// A parsed JSON object handed between tasks (it is never mutated).
struct JSONBox: @unchecked Sendable {
    let value: [String: Any]
}

func put(_ deployment: LocalDeployment, _ path: String, body: String) async throws -> APIReply {
    try await send(deployment, path, method: .PUT, body: body)
}
