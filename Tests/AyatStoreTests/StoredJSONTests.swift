import Foundation
import Testing
import AyatCore
@testable import AyatStore

/// The store's own JSON for its hot rows must read back exactly as Foundation's encoder
/// wrote it before: both are decoded with the one decoder the store reads with, and both
/// must parse to the same JSON object (rows written by either stay readable).
@Suite struct StoredJSONTests {
    static let texts = ["", "plain", "สมชาย ใจดี", "quote \" backslash \\ slash /", "tab\tnewline\nreturn\r", "nul \u{0} bell \u{7} del \u{7F}", "emoji 🧾"]
    static let states: [OrderState] = [.accepted, .sent, .acknowledged, .executed, .rejected, .failed, .cancelled]
    static let dates = [Date(timeIntervalSinceReferenceDate: 0), Date(timeIntervalSinceReferenceDate: 786_543_210.123),
                        Date(timeIntervalSince1970: 1_764_800_000.5), Date(timeIntervalSinceReferenceDate: -12.25), Date()]

    @Test(arguments: 0..<35)
    func timelineEntriesReadBackAsWritten(_ index: Int) throws {
        let text = Self.texts[index % Self.texts.count]
        let entry = TimelineEntry(
            at: Self.dates[index % Self.dates.count], state: Self.states[index % Self.states.count], event: "event \(text)",
            attempt: index % 2 == 0 ? index : nil, outcome: index % 3 == 0 ? nil : text, httpStatus: index % 4 == 0 ? nil : 200 + index,
            messageIDs: (0..<(index % 3)).map { _ in MessageID.generate() }, detail: index % 5 == 0 ? nil : text
        )
        try expectSameJSON(StoredJSON.encode(entry), Codecs.encoder.encode(entry))
        #expect(try Codecs.decoder.decode(TimelineEntry.self, from: StoredJSON.encode(entry)) == entry)
    }

    @Test(arguments: 0..<35)
    func eventsReadBackAsWritten(_ index: Int) throws {
        let text = Self.texts[index % Self.texts.count]
        let event = GatewayEvent(
            id: GatewayEvent.newID(), sequence: Int64(index) * 1_000_003, type: "order.\(text)", caseID: CaseID("TH-CASE-\(index)")!,
            orderID: index % 2 == 0 ? .generate() : nil, at: Self.dates[index % Self.dates.count],
            state: index % 3 == 0 ? nil : Self.states[index % Self.states.count], detail: index % 4 == 0 ? nil : text
        )
        try expectSameJSON(StoredJSON.encode(event), Codecs.encoder.encode(event))
        #expect(try Codecs.decoder.decode(GatewayEvent.self, from: StoredJSON.encode(event)) == event)
    }

    @Test func headersReadBackAsWritten() throws {
        for headers in [[:], ["Signature": "sig1=:AAEC/+==:", "Signature-Input": "sig1=(\"@method\");created=1", "X-Name": "สมชาย \"q\""]] {
            try expectSameJSON(StoredJSON.encode(headers), Codecs.encoder.encode(headers))
            #expect(try Codecs.decoder.decode([String: String].self, from: StoredJSON.encode(headers)) == headers)
        }
    }

    private func expectSameJSON(_ ours: Data, _ foundation: Data) throws {
        let parsedOurs = try JSONSerialization.jsonObject(with: ours) as? NSDictionary
        let parsedFoundation = try JSONSerialization.jsonObject(with: foundation) as? NSDictionary
        #expect(parsedOurs != nil)
        #expect(parsedOurs == parsedFoundation, "ours: \(String(decoding: ours, as: UTF8.self))\nFoundation: \(String(decoding: foundation, as: UTF8.self))")
    }
}
