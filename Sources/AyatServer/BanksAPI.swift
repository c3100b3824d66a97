import Foundation
import AyatCore
import AyatDelivery
import AyatStore
import Hummingbird

/// `GET /v1/banks`: each bank's flow control as the dispatcher sees it now
/// (circuit breaker, requests in flight, rate), and `GET /metrics` for scrapers.
struct BanksAPI: Sendable {
    let banks: BankDirectory
    let flows: [BankCode: BankFlow]
    let store: any GatewayStore

    struct BankView: Encodable {
        var code: String
        var name: String
        var dialect: String
        var ackMode: String
        var flow: BankFlow.Snapshot?
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/v1/banks") { _, _ in try await self.list() }
        router.get("/metrics") { _, _ in try await self.metrics() }
    }

    func list() async throws -> Response {
        var views = [BankView]()
        for code in banks.codes.sorted(by: { $0.rawValue < $1.rawValue }) {
            guard let profile = banks[code]?.profile else { continue }
            views.append(BankView(code: code.rawValue, name: profile.name, dialect: profile.dialect.rawValue, ackMode: profile.ack.mode,
                                  flow: await flows[code]?.snapshot()))
        }
        return OrdersAPI.json(status: .ok, body: Array(try JSONEncoder.api.encode(["banks": views])), location: nil)
    }

    /// Prometheus text: events by type (escalations among them) and each bank's breaker.
    func metrics() async throws -> Response {
        var lines = ["# TYPE ayat_events_total counter"]
        for (type, count) in try await store.eventCounts().sorted(by: { $0.key < $1.key }) {
            lines.append("ayat_events_total{type=\"\(type)\"} \(count)")
        }
        lines.append("# TYPE ayat_bank_breaker_open gauge")
        for code in banks.codes.sorted(by: { $0.rawValue < $1.rawValue }) {
            guard let snapshot = await flows[code]?.snapshot() else { continue }
            lines.append("ayat_bank_breaker_open{bank=\"\(code)\"} \(snapshot.breaker == "closed" ? 0 : 1)")
            lines.append("ayat_bank_in_flight{bank=\"\(code)\"} \(snapshot.inFlight)")
        }
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                        body: .init(byteBuffer: ByteBuffer(string: lines.joined(separator: "\n") + "\n")))
    }
}
