import Foundation
import AyatCore
import AyatDelivery
import AyatStore
import Hummingbird

/// `GET /v1/events?after=CURSOR`: the pull feed for case systems that cannot
/// take webhooks. Same events, same ids, same order as the webhooks.
struct EventsAPI: Sendable {
    let store: any GatewayStore

    struct Page: Encodable {
        var events: [WebhookPayload.Body]
        /// Pass as `after` to read on; unchanged when nothing new arrived.
        var next: String
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/v1/events") { request, _ in try await self.page(request) }
    }

    func page(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        var after: Int64 = 0
        if let text = query["after"].map(String.init) {
            guard let value = Int64(text), value >= 0 else {
                throw Problem(type: "invalid-cursor", title: "Invalid cursor", status: 400,
                              detail: "after must be a cursor returned as next by an earlier page", field: "after")
            }
            after = value
        }
        var limit = 100
        if let text = query["limit"].map(String.init) {
            guard let value = Int(text), (1...1000).contains(value) else {
                throw Problem(type: "invalid-limit", title: "Invalid limit", status: 400, detail: "limit must be 1 to 1000", field: "limit")
            }
            limit = value
        }
        var caseID: CaseID?
        if let text = query["caseId"].map(String.init) {
            guard let id = CaseID(text) else {
                throw Problem(type: "invalid-case-id", title: "Invalid case id", status: 400, detail: "caseId is not a case id", field: "caseId")
            }
            caseID = id
        }
        let events = try await store.events(after: after, limit: limit, caseID: caseID)
        let page = Page(events: events.map(WebhookPayload.body), next: String(events.last?.sequence ?? after))
        return OrdersAPI.json(status: .ok, body: Array(try JSONEncoder.api.encode(page)), location: nil)
    }
}
