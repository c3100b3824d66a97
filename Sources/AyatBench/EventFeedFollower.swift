import AyatCore
import AyatJOSE
import Foundation
import NIOCore

/// Follows a gateway's event feed over HTTP, as a case system without webhooks would
/// (`GET /v1/events?after=…&limit=1000&wait=5`, one request after another), and tells the
/// tracker every order state change the moment its page arrives.
struct EventFeedFollower: Sendable {
    private let connections: LeanConnectionPool

    init(baseURL: String) throws {
        guard let connections = LeanConnectionPool(baseURL: baseURL) else {
            throw BenchFailure("the API's address is not http://HOST:PORT: \(baseURL)")
        }
        self.connections = connections
    }

    static let pageSize = 1000
    /// Seconds an empty page is held by the gateway before it answers.
    static let wait = 5

    /// What the follower reads of a page: each event's type, status and order, and the cursor.
    struct Page {
        struct Event {
            var type: String
            var status: String?
            var orderID: String?
        }
        var events: [Event]
        var next: String

        /// Read with Ayat's strict JSON parser: Foundation's decoder, on every page, was most of
        /// what following the feed cost the bench process.
        init(_ body: [UInt8]) throws {
            let page = try JSONObject.parse(body)
            guard let next = page["next"]?.stringValue, let events = page["events"]?.arrayValue else {
                throw BenchFailure("an events page without events or next")
            }
            self.next = next
            self.events = try events.map { value in
                guard let event = value.objectValue, let type = event["type"]?.stringValue,
                      let data = event["data"]?.objectValue else { throw BenchFailure("an event without type or data") }
                return Event(type: type, status: data["status"]?.stringValue, orderID: data["orderId"]?.stringValue)
            }
        }
    }

    /// Closes its connections; for the end of the run, once no follow is left.
    func close() async {
        await connections.closeAll()
    }

    /// The cursor after the newest event stored now: a run follows what happens from here on.
    func currentCursor() async throws -> Int64 {
        var cursor: Int64 = 0
        while true {
            let page = try await page(after: cursor, wait: 0)
            cursor = Int64(page.next) ?? cursor
            if page.events.count < Self.pageSize { return cursor }
        }
    }

    /// Reads on from `cursor` until the task is cancelled. A failed request is tried again
    /// shortly: whether the gateway is gone is for the run to decide, not the follower.
    func follow(from cursor: Int64, into tracker: OrderTracker) async {
        var cursor = cursor
        let clock = ContinuousClock()
        while !Task.isCancelled {
            do {
                let page = try await page(after: cursor, wait: Self.wait)
                let arrived = clock.now
                // `order.<state>` events are the state changes; the others (retried, at-risk, …) repeat a state.
                let changes = page.events.compactMap { event -> (OrderID, OrderState)? in
                    guard let status = event.status, event.type == "order.\(status)", let id = event.orderID else { return nil }
                    return (OrderID(rawValue: id), OrderState(rawValue: status))
                }
                await tracker.observe(changes, at: arrived)
                cursor = Int64(page.next) ?? cursor
            } catch {
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    private func page(after cursor: Int64, wait: Int) async throws -> Page {
        let response = try await connections.exchange(.GET, "/v1/events?after=\(cursor)&limit=\(Self.pageSize)&wait=\(wait)")
        guard response.status == 200 else {
            throw BenchFailure("GET /v1/events answered \(response.status): \(String(buffer: response.body).prefix(300))")
        }
        return try Page(Array(response.body.readableBytesView))
    }
}
