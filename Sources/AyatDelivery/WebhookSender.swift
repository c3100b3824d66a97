import Foundation
import AyatCore
import AyatJOSE
import AyatStore
import AyatTransport
import Logging
import ServiceLifecycle

/// Delivers the event feed to one case-system endpoint as signed Standard
/// Webhooks, in feed order, each event until the endpoint answers 2xx: an
/// endpoint that fails for a while gets every event later, in order. The
/// cursor is stored, so a restart resumes where delivery stopped (an event may
/// then arrive twice; its `webhook-id` lets the receiver drop the repeat).
public final class WebhookSender: Service, Sendable {
    private let store: any GatewayStore
    private let url: String
    private let signature: StandardWebhookSignature
    private let client: WebhookClient
    private let schedule: RetrySchedule
    private let logger: Logger
    private let wake = WakeSignal()

    private let feed: OrderStateFeed

    public init(store: any GatewayStore, url: String, signature: StandardWebhookSignature, feed: OrderStateFeed, logger: Logger,
                schedule: RetrySchedule = RetrySchedule(initialDelay: 0.2, maxDelay: 30)) {
        self.store = store
        self.feed = feed
        self.url = url
        self.signature = signature
        self.client = WebhookClient()
        self.schedule = schedule
        self.logger = logger
    }

    public func nudge() { Task { await wake.signal() } }

    public func run() async throws {
        let changes = await feed.subscribe()
        let listener = Task { [wake] in
            for await _ in changes { await wake.signal() }
        }
        defer { listener.cancel() }
        await WorkLoop(wake: wake, idle: .milliseconds(250)).run { await self.deliverPending() }
        try? await client.shutdown()
    }

    /// Sends what is pending, oldest first; returns true when more may be waiting.
    func deliverPending() async -> Bool {
        do {
            let cursor = try await store.webhookCursor(endpoint: url)
            let events = try await store.events(after: cursor, limit: 100, caseID: nil)
            for event in events {
                guard await deliver(event) else { return false }
                try await store.setWebhookCursor(endpoint: url, after: event.sequence)
            }
            return events.count == 100
        } catch {
            logger.error("webhook delivery failed", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// Tries one event until it is taken, the loop stops, or the task is cancelled.
    private func deliver(_ event: GatewayEvent) async -> Bool {
        let body = WebhookPayload.encode(event)
        var attempt = 0
        while !Task.isCancelled, !(await wake.isStopped) {
            attempt += 1
            var failure: String
            do {
                let status = try await client.post(url, body: body, headers: signature.headers(id: event.id, timestamp: Date(), body: body))
                if (200..<300).contains(status) { return true }
                failure = "HTTP \(status)"
            } catch {
                failure = "\(error)"
            }
            let delay = schedule.delay(after: attempt)
            logger.warning("webhook not taken; will retry", metadata: [
                "event": "\(event.id)", "attempt": "\(attempt)", "reason": "\(failure)", "retryIn": "\(String(format: "%.2f", delay))s",
            ])
            await wake.wait(timeout: .milliseconds(Int64(delay * 1000)))
        }
        return false
    }
}

/// The JSON body of a webhook and of a feed entry: `{type, timestamp, data}` as Standard Webhooks suggests.
public enum WebhookPayload {
    /// `{"data":{"caseId","detail"?,"orderId"?,"status"?},"id","sequence","timestamp","type"}`,
    /// written directly: keys sorted, absent members left out, `/` as is (the bytes a
    /// `JSONEncoder` with `.sortedKeys, .withoutEscapingSlashes` wrote before; a test compares).
    public static func json(_ event: GatewayEvent) -> JSONObject {
        var data: [(String, JSONValue)] = [("caseId", .string(event.caseID.rawValue))]
        if let detail = event.detail { data.append(("detail", .string(detail))) }
        if let order = event.orderID { data.append(("orderId", .string(order.rawValue))) }
        if let state = event.state { data.append(("status", .string(state.rawValue))) }
        return JSONObject([
            ("data", .object(JSONObject(data))), ("id", .string(event.id)), ("sequence", .int(event.sequence)),
            ("timestamp", .string(Timestamp.format(event.at))), ("type", .string(event.type)),
        ])
    }

    public static func encode(_ event: GatewayEvent) -> [UInt8] { json(event).encoded() }

    /// A page of the events feed: `{"events":[…],"next":"<cursor>"}`. `next` is what to pass as
    /// `after` to read on; unchanged when nothing new arrived.
    public static func page(_ events: [GatewayEvent], next: String) -> [UInt8] {
        JSONObject([("events", .array(events.map { .object(json($0)) })), ("next", .string(next))]).encoded()
    }
}
