import Foundation
import AyatCore
import AyatDelivery
import AyatStore
import Hummingbird
import ServiceLifecycle

/// `GET /v1/events?after=CURSOR`: the pull feed for case systems that cannot
/// take webhooks. Same events, same ids, same order as the webhooks. With
/// `wait=SECONDS` an empty page is held open until an event arrives (a long
/// poll), so such a case system hears of a change as soon as a webhook would.
struct EventsAPI: Sendable {
    let store: any GatewayStore
    /// Wakes a held request when an order changes; without it, a held request only rereads on its interval.
    let feed: OrderStateFeed?

    /// The longest a request may be held: below the idle timeouts of common proxies.
    static let maximumWait = 30.0
    /// A held request rereads at least this often: some events (case updates, deadline and hold
    /// warnings) are not announced on the feed.
    static let rereadInterval = Duration.milliseconds(250)

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
        var wait = Duration.zero
        if let text = query["wait"].map(String.init) {
            guard let seconds = Double(text), seconds.isFinite, (0...Self.maximumWait).contains(seconds) else {
                throw Problem(type: "invalid-wait", title: "Invalid wait", status: 400,
                              detail: "wait must be 0 to \(Int(Self.maximumWait)) seconds (decimals allowed)", field: "wait")
            }
            wait = .seconds(seconds)
        }
        let events = try await events(after: after, limit: limit, caseID: caseID, waitingUpTo: wait)
        return OrdersAPI.json(status: .ok, body: WebhookPayload.page(events, next: String(events.last?.sequence ?? after)), location: nil)
    }

    /// The page after `cursor`; when it is empty, rereads on every feed change and every
    /// `rereadInterval` until it is not, or `wait` has passed.
    private func events(after cursor: Int64, limit: Int, caseID: CaseID?, waitingUpTo wait: Duration) async throws -> [GatewayEvent] {
        // Read before each page is read: a change published after it is one the page may miss,
        // and the wait for the next change then returns at once.
        var seen = feed?.published ?? 0
        let first = try await store.events(after: cursor, limit: limit, caseID: caseID)
        guard first.isEmpty, wait > .zero else { return first }
        let clock = ContinuousClock()
        let deadline = clock.now + wait
        // A stopping gateway answers held requests at once: the server waits for them before it stops.
        return try await withGracefulShutdownHandler {
            while true {
                let now = clock.now
                if now >= deadline || Task.isCancelled || Task.isShuttingDownGracefully { return [] }
                let rereadAt = min(deadline, now + Self.rereadInterval)
                if let feed {
                    await feed.waitForChange(after: seen, until: rereadAt)
                    seen = feed.published
                } else {
                    try? await clock.sleep(until: rereadAt, tolerance: nil)
                }
                let events = try await store.events(after: cursor, limit: limit, caseID: caseID)
                if !events.isEmpty { return events }
            }
        } onGracefulShutdown: { [feed] in
            Task { await feed?.releaseWaiters() }
        }
    }
}
