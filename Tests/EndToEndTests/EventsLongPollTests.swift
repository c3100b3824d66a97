import Foundation
import Testing
import AyatCore
import AyatSandbox

/// `GET /v1/events?wait=SECONDS`: a case system without webhooks holds a request open and
/// hears of a change as soon as it is committed, or gets an empty page when `wait` passes.
@Suite struct EventsLongPollTests {
    /// The cursor after every event the feed holds now.
    private func currentCursor(_ deployment: LocalDeployment) async throws -> String {
        let page = try await get(deployment, "/v1/events?limit=1000")
        return try #require(page.json["next"] as? String)
    }

    @Test func aHeldRequestAnswersAsSoonAsAnOrderIsAccepted() async throws {
        try await withDeployment { deployment in
            let cursor = try await currentCursor(deployment)
            let clock = ContinuousClock()
            let start = clock.now
            // Held first, then the order: whichever reaches the gateway first, the page names it.
            async let held = get(deployment, "/v1/events?after=\(cursor)&limit=1000&wait=20")
            let accepted = try await post(deployment, "/v1/orders", body: freezeOrderJSON(caseID: "TH-CASE-LONGPOLL"))
            #expect(accepted.status == 202)
            let id = try #require(accepted.json["id"] as? String)
            let page = try await held
            let elapsed = clock.now - start

            #expect(page.status == 200)
            let events = page.json["events"] as? [[String: Any]] ?? []
            let first = try #require(events.first)
            #expect(first["type"] as? String == "order.accepted")
            #expect((first["data"] as? [String: Any])?["orderId"] as? String == id)
            #expect(page.json["next"] as? String != cursor)
            #expect(elapsed < .seconds(10), "answered after \(elapsed), not when the 20 s wait ran out")
        }
    }

    @Test func aHeldRequestAnswersAnEmptyPageWhenTheWaitPasses() async throws {
        try await withDeployment { deployment in
            let cursor = try await currentCursor(deployment)
            let clock = ContinuousClock()
            let start = clock.now
            let page = try await get(deployment, "/v1/events?after=\(cursor)&wait=0.2")
            let elapsed = clock.now - start

            #expect(page.status == 200)
            #expect((page.json["events"] as? [Any])?.isEmpty == true)
            #expect(page.json["next"] as? String == cursor, "nothing new: the cursor stays")
            #expect(elapsed >= .milliseconds(200), "held for the wait asked for, answered after \(elapsed)")
        }
    }

    @Test func aWaitOutsideZeroToThirtySecondsIsAProblem() async throws {
        try await withDeployment { deployment in
            for wait in ["31", "-1", "soon", "nan", "inf", ""] {
                let reply = try await get(deployment, "/v1/events?wait=\(wait)")
                #expect(reply.status == 400, "wait=\(wait)")
                #expect(reply.headers["content-type"]?.hasPrefix("application/problem+json") == true, "wait=\(wait)")
                #expect(reply.json["type"] as? String == "urn:ayat:problem:invalid-wait", "wait=\(wait)")
                #expect(reply.json["field"] as? String == "wait", "wait=\(wait)")
            }
        }
    }
}
