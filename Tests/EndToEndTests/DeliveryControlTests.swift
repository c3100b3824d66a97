import Foundation
import GRDB
import Testing
import AyatCore
import AyatDelivery
import AyatDialects
import AyatSandbox
import AyatSimulator

/// The delivery engine's controls: deadlines that fail and escalate, manual
/// retry and cancel, and the per-bank circuit breaker.
@Suite struct DeliveryControlTests {
    /// A freeze whose deadline is `seconds` away.
    static func urgentFreeze(bank: String = "014", number: String = "1409912345", holder: String = "วิภาวดี ศรีสุข", seconds: Double) -> String {
        """
        {"type":"freeze","caseId":"TH-CASE-URGENT","bank":"\(bank)",
         "account":{"number":"\(number)","holderName":"\(holder)"},
         "amount":{"value":"1000.00","currency":"THB"},
         "reportedTransfer":{"reference":"TRX2026112900009","time":"\(Timestamp.formatSeconds(Date().addingTimeInterval(-900)))"},
         "reportedAt":"\(Timestamp.formatSeconds(Date().addingTimeInterval(-300)))",
         "deadline":"\(Timestamp.format(Date().addingTimeInterval(seconds)))",
         "legalBasis":"Emergency Decree on Technology Crime B.E. 2566, s. 6","requestedBy":"officer:AOC-0042"}
        """
    }

    static let fastRetries = LocalDeployment.Tuning(
        gateway: { $0.atRiskMargin = 3600 },
        profile: { $0.retry = .init(initialDelay: 0.05, maxDelay: 0.2) },
        watchInterval: .milliseconds(100)
    )

    @Test func aFreezeThatMissesItsDeadlineFailsIsEscalatedAndCanBeRetriedByHand() async throws {
        try await withDeployment(tuning: Self.fastRetries) { deployment in
            let bank = try #require(deployment.simulators[BankCode("014")!])
            await bank.setFaults(.init(unavailableForRequests: 1_000_000))
            let reply = try await post(deployment, "/v1/orders", body: Self.urgentFreeze(seconds: 4))
            let id = OrderID(rawValue: try #require(reply.json["id"] as? String))

            let failed = try await waitFor(deployment, order: id) { record, _ in record.state.isTerminal }
            #expect(failed.state == .failed)
            let timeline = try await deployment.gateway.store.timeline(of: id)
            let attempts = timeline.filter { $0.event == "attempt" }
            #expect(attempts.count >= 2, "retried until the deadline")
            #expect(attempts.dropLast().allSatisfy { ($0.detail ?? "").contains("next try") }, "each attempt says when the next comes")
            #expect(timeline.contains { $0.event == "at-risk" }, "inside the margin the order was flagged at risk")

            let events = try await get(deployment, "/v1/events?caseId=TH-CASE-URGENT").json["events"] as? [[String: Any]] ?? []
            let types = events.filter { ($0["data"] as? [String: Any])?["orderId"] as? String == id.rawValue }.compactMap { $0["type"] as? String }
            #expect(types.contains("order.at-risk"))
            #expect(types.contains("order.failed"))
            #expect(types.contains("order.escalated"), "a freeze that cannot be delivered is escalated, never dropped")
            let metrics = String(decoding: try await get(deployment, "/metrics").body, as: UTF8.self)
            #expect(metrics.contains(#"ayat_events_total{type="order.escalated"} 1"#))

            let view = try await get(deployment, "/v1/orders/\(id)").json
            #expect(view["deadlineState"] as? String == "breached")

            // Retrying an order that has not failed is refused; this one has, and the bank is back.
            await bank.setFaults(.init())
            let retried = try await post(deployment, "/v1/orders/\(id)/retry", body: #"{"reason":"bank back up, per AOC-0042"}"#)
            #expect(retried.status == 200)
            #expect(retried.json["status"] as? String == "accepted")
            let executed = try await waitFor(deployment, order: id) { record, _ in record.state == .executed }
            #expect(executed.state == .executed)
            let after = try await deployment.gateway.store.timeline(of: id)
            #expect(after.contains { $0.event == "retried" && ($0.detail ?? "").contains("AOC-0042") })
            #expect(try await post(deployment, "/v1/orders/\(id)/retry", body: "").status == 409)
        }
    }

    @Test func anOpenOrderCanBeCancelledAndNothingMoreIsSent() async throws {
        try await withDeployment(tuning: Self.fastRetries) { deployment in
            let bank = try #require(deployment.simulators[BankCode("014")!])
            await bank.setFaults(.init(unavailableForRequests: 1_000_000))
            let reply = try await post(deployment, "/v1/orders", body: Self.urgentFreeze(seconds: 600))
            let id = OrderID(rawValue: try #require(reply.json["id"] as? String))
            try await waitFor(deployment, order: id) { _, timeline in timeline.filter { $0.event == "attempt" }.count >= 2 }

            let cancelled = try await post(deployment, "/v1/orders/\(id)/cancel", body: #"{"reason":"case closed by court"}"#)
            #expect(cancelled.status == 200)
            #expect(cancelled.json["status"] as? String == "cancelled")
            #expect(cancelled.json["deadlineState"] as? String == "closed")
            let again = try await post(deployment, "/v1/orders/\(id)/cancel", body: "")
            #expect(again.status == 409)
            #expect(again.headers["content-type"]?.hasPrefix("application/problem+json") == true)
            #expect(try await post(deployment, "/v1/orders/ord_nope/cancel", body: "").status == 404)

            // The delivery is closed: a dispatch round claims nothing for it.
            let attemptsBefore = try await deployment.gateway.store.timeline(of: id).filter { $0.event == "attempt" }.count
            await deployment.gateway.dispatcher.dispatchDue(now: Date().addingTimeInterval(3600))
            let attemptsAfter = try await deployment.gateway.store.timeline(of: id).filter { $0.event == "attempt" }.count
            #expect(attemptsAfter == attemptsBefore)
        }
    }

    @Test func theCircuitBreakerOpensProbesAndCloses() async throws {
        let tuning = LocalDeployment.Tuning(profile: { profile in
            profile.retry = .init(initialDelay: 0.02, maxDelay: 0.05)
            profile.flow = .init(breakerThreshold: 2, breakerCooldown: 2)
        })
        try await withDeployment(tuning: tuning) { deployment in
            let bank = try #require(deployment.simulators[BankCode("014")!])
            // Two failures open the breaker, the first probe fails too, the second probe succeeds.
            await bank.setFaults(.init(unavailableForRequests: 3))
            let reply = try await post(deployment, "/v1/orders", body: Self.urgentFreeze(seconds: 600))
            let id = OrderID(rawValue: try #require(reply.json["id"] as? String))
            let record = try await waitFor(deployment, order: id) { record, _ in record.state.isTerminal }
            #expect(record.state == .executed)

            let timeline = try await deployment.gateway.store.timeline(of: id)
            let details = timeline.compactMap(\.detail)
            let opened = details.firstIndex { $0.contains("circuit breaker for bank 014 opened") }
            let closed = details.lastIndex { $0.contains("closed: the probe succeeded") }
            #expect(opened != nil, "two consecutive failures open the breaker")
            #expect(closed != nil, "a successful probe closes it")
            if let opened, let closed { #expect(opened < closed) }
            #expect(timeline.contains { $0.event == "deferred" && $0.outcome == "circuit-open" }, "while open, nothing is sent")
            #expect(details.filter { $0.contains("opened after") }.count >= 2, "a failed probe opens the breaker again")
            // Attempts actually sent: the 3 refused and the one that succeeded.
            #expect(timeline.filter { $0.event == "attempt" }.count == 4)

            let banks = try await get(deployment, "/v1/banks").json["banks"] as? [[String: Any]] ?? []
            let chaoPhraya = try #require(banks.first { $0["code"] as? String == "014" })
            #expect((chaoPhraya["flow"] as? [String: Any])?["breaker"] as? String == "closed")
        }
    }

    /// A JWS bank refuses a signature older than its clock skew: a message that waited out a long
    /// outage is signed again (same message id, so the bank still deduplicates) and both versions are kept.
    @Test func aMessageWhoseSignatureAgedIsSignedAgainUnderTheSameID() async throws {
        try await withDeployment(tuning: Self.fastRetries) { deployment in
            let bank = try #require(deployment.simulators[BankCode("006")!])
            await bank.setFaults(.init(unavailableForRequests: 1_000_000))
            let reply = try await post(deployment, "/v1/orders", body: Self.urgentFreeze(
                bank: "006", number: "0061122334", holder: "อรุณี รุ่งเรือง", seconds: 600))
            let id = OrderID(rawValue: try #require(reply.json["id"] as? String))
            try await waitFor(deployment, order: id) { _, timeline in timeline.contains { $0.event == "attempt" } }

            // The outage lasted ten minutes: the stored signature is now older than the bank's 300 s skew.
            // The gateway is live and retrying every few milliseconds: wait for its writer, as its own connections do.
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            let database = try DatabaseQueue(path: deployment.state.database.path, configuration: configuration)
            try await database.write { db in
                try db.execute(sql: "UPDATE messages SET recorded_ms = recorded_ms - 600000 WHERE order_id = ? AND direction = 'out'",
                               arguments: [id.rawValue])
            }
            // The next attempt claimed after the change re-signs; only then is the bank back.
            let store = deployment.gateway.store
            _ = try await waitOnFeed(deployment, timeout: .seconds(30), check: {
                try await store.messages(of: id).filter { $0.direction == .outbound }.count >= 2 ? true : nil
            }, explain: { "the aged message was not signed again" })
            await bank.setFaults(.init())
            let record = try await waitFor(deployment, order: id) { record, _ in record.state.isTerminal }
            #expect(record.state == .executed)
            let outbound = try await deployment.gateway.store.messages(of: id).filter { $0.direction == .outbound }
            try #require(outbound.count == 2, "the original and the re-signed message are both in the log")
            #expect(Set(outbound.compactMap(\.messageID)).count == 1, "one message id: the bank deduplicates")
            #expect(outbound[0].headers["x-jws-signature"] != outbound[1].headers["x-jws-signature"])
            #expect(await bank.ledger.holdsPlaced == 1)
        }
    }

    @Test func theBreakerStateMachineInIsolation() async throws {
        let flow = BankFlow(.init(concurrency: 1, breakerThreshold: 2, breakerCooldown: 10))
        let start = Date()
        #expect(await flow.admit(now: start) == .go(probe: false))
        #expect(await flow.report(healthy: false, probe: false, now: start) == .none)
        #expect(await flow.report(healthy: false, probe: false, now: start) == .opened(failures: 2, until: start.addingTimeInterval(10)))
        #expect(await flow.admit(now: start.addingTimeInterval(5)) == .wait(until: start.addingTimeInterval(10)))
        #expect(await flow.admit(now: start.addingTimeInterval(10)) == .go(probe: true))
        if case .wait = await flow.admit(now: start.addingTimeInterval(10.1)) {} else {
            Issue.record("only one probe at a time while half-open")
        }
        #expect(await flow.report(healthy: true, probe: true, now: start.addingTimeInterval(10.2)) == .closed)
        #expect(await flow.admit(now: start.addingTimeInterval(10.3)) == .go(probe: false))
    }
}
