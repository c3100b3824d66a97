import AyatCore
import AyatDelivery
import Foundation
import Testing

/// Webhook bodies and feed pages are written directly, not through `JSONEncoder`; they are an
/// API, so they must be byte for byte what the encoder wrote for the same `Body`.
@Suite struct WebhookPayloadTests {
    static let texts = ["plain", "สมชาย ใจดี", "quote \" backslash \\ slash / ", "tab\tnewline\nreturn\r", "nul \u{0} bell \u{7} del \u{7F}", "emoji 🧾"]

    static func event(_ index: Int) -> GatewayEvent {
        let text = texts[index % texts.count]
        return GatewayEvent(
            id: GatewayEvent.newID(), sequence: Int64(index) * 7_919, type: "order.\(text)", caseID: CaseID("TH-CASE-\(index)")!,
            orderID: index % 2 == 0 ? .generate() : nil, at: Date(timeIntervalSince1970: 1_764_800_000.123 + Double(index) * 0.5),
            state: index % 3 == 0 ? nil : OrderState(rawValue: "executed"), detail: index % 4 == 0 ? nil : text
        )
    }

    /// The payload's shape as a `Codable` type, which the gateway once encoded with `JSONEncoder`.
    struct Body: Encodable {
        struct Data: Encodable {
            var caseId: String
            var orderId: String?
            var status: String?
            var detail: String?
        }
        var id: String
        var type: String
        var timestamp: String
        var sequence: Int64
        var data: Data

        init(_ event: GatewayEvent) {
            id = event.id
            type = event.type
            timestamp = Timestamp.format(event.at)
            sequence = event.sequence
            data = .init(caseId: event.caseID.rawValue, orderId: event.orderID?.rawValue, status: event.state?.rawValue, detail: event.detail)
        }
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    @Test(arguments: 0..<24)
    func aWebhookBodyIsWhatTheEncoderWrote(_ index: Int) throws {
        let event = Self.event(index)
        let ours = WebhookPayload.encode(event)
        let foundation = Array(try Self.encoder.encode(Body(event)))
        #expect(ours == foundation, "ours: \(String(decoding: ours, as: UTF8.self))\nFoundation: \(String(decoding: foundation, as: UTF8.self))")
    }

    struct Page: Encodable {
        var events: [Body]
        var next: String
    }

    @Test func aFeedPageIsWhatTheEncoderWrote() throws {
        for count in [0, 1, 17] {
            let events = (0..<count).map(Self.event)
            let next = String(events.last?.sequence ?? 41)
            let ours = WebhookPayload.page(events, next: next)
            let foundation = Array(try Self.encoder.encode(Page(events: events.map(Body.init), next: next)))
            #expect(ours == foundation, "ours: \(String(decoding: ours, as: UTF8.self))")
        }
    }
}
