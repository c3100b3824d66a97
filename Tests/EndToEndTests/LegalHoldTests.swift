import Foundation
import Testing
import AyatCore
import AyatSandbox

/// Holds carry their legal expiry, and the case system hears before one lapses
/// and when it does: no hold lapses silently. A police complaint extends it.
@Suite struct LegalHoldTests {
    /// Windows shrunk to seconds: 72 h becomes 15 s, 7 days becomes an hour, and the notice comes 14 s early
    /// (so the warning is due as soon as the hold is placed, however slow the machine).
    static let shortWindows = LocalDeployment.Tuning(
        gateway: { $0.legalHold = .init(initialHours: 15.0 / 3600, withComplaintHours: 1, noticeHours: 14.0 / 3600) },
        watchInterval: .milliseconds(100)
    )

    @Test func aHoldNearItsExpiryIsAnnouncedAndItsLapseReported() async throws {
        try await withDeployment(tuning: Self.shortWindows) { deployment in
            // Reported just now: the hold lasts 15 s from the report.
            let body = freezeOrderJSON(bank: "014", number: "1409912345", holder: "วิภาวดี ศรีสุข", amount: "100.00", caseID: "TH-CASE-HOLD-1")
                .replacingOccurrences(of: Timestamp.formatSeconds(Date().addingTimeInterval(-300)), with: Timestamp.formatSeconds(Date()))
            let reply = try await post(deployment, "/v1/orders", body: body)
            let id = OrderID(rawValue: try #require(reply.json["id"] as? String))
            try await waitFor(deployment, order: id) { record, _ in record.state == .executed }

            let view = try await get(deployment, "/v1/cases/TH-CASE-HOLD-1").json
            let hop = try #require((view["trail"] as? [[String: Any]])?.first)
            #expect(hop["holdExpiresAt"] is String)

            let lapsed = try await waitFor(deployment, order: id, timeout: .seconds(40)) { _, timeline in
                timeline.contains { $0.event == "hold-expired" }
            }
            #expect(lapsed.state == .executed)
            let timeline = try await deployment.gateway.store.timeline(of: id)
            let warned = try #require(timeline.firstIndex { $0.event == "hold-expiring" }, "warned before the lapse")
            let expired = try #require(timeline.firstIndex { $0.event == "hold-expired" })
            #expect(warned < expired)
            #expect(timeline.filter { $0.event == "hold-expiring" }.count == 1, "warned once")
            let events = try await get(deployment, "/v1/events?caseId=TH-CASE-HOLD-1").json["events"] as? [[String: Any]] ?? []
            let types = events.compactMap { $0["type"] as? String }
            #expect(types.contains("hold.expiring"))
            #expect(types.contains("hold.expired"))
        }
    }

    @Test func aPoliceComplaintExtendsTheHold() async throws {
        try await withDeployment(tuning: Self.shortWindows) { deployment in
            let caseID = "TH-CASE-HOLD-2"
            let reply = try await post(deployment, "/v1/orders", body: freezeOrderJSON(
                bank: "014", number: "1409912345", holder: "วิภาวดี ศรีสุข", amount: "100.00", caseID: caseID))
            let id = OrderID(rawValue: try #require(reply.json["id"] as? String))
            // Recorded before the bank executes: the hold then lasts an hour from the report, not seconds.
            let complaint = try await post(deployment, "/v1/cases/\(caseID)/police-complaint", body: "{}")
            #expect(complaint.status == 200)
            #expect(complaint.json["policeComplaintAt"] is String)
            try await waitFor(deployment, order: id) { record, _ in record.state == .executed }
            await deployment.gateway.deadlineWatch.check(now: Date())
            let timeline = try await deployment.gateway.store.timeline(of: id)
            #expect(!timeline.contains { $0.event.hasPrefix("hold-") }, "an hour away: nothing to say yet")
            let hop = try #require((try await get(deployment, "/v1/cases/\(caseID)").json["trail"] as? [[String: Any]])?.first)
            let expiry = try #require((hop["holdExpiresAt"] as? String).flatMap(Timestamp.parse))
            #expect(expiry.timeIntervalSinceNow > 3000)
        }
    }
}
