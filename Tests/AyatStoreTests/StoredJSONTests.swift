import Foundation
import Testing
import AyatCore
@testable import AyatStore

/// The store's own JSON for its hot rows must read back exactly as Foundation's encoder
/// wrote it before: both are decoded with the one decoder the store reads with, and both
/// must parse to the same JSON object (rows written by either stay readable).
@Suite struct StoredJSONTests {
    /// How the store wrote these rows before `StoredJSON`: Foundation's encoder, keys sorted,
    /// dates as seconds since 2001.
    static let foundation: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .deferredToDate
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

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
        try expectSameJSON(StoredJSON.encode(entry), Self.foundation.encode(entry))
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
        try expectSameJSON(StoredJSON.encode(event), Self.foundation.encode(event))
        #expect(try Codecs.decoder.decode(GatewayEvent.self, from: StoredJSON.encode(event)) == event)
        // The feed's own reader takes the row's sequence, and reads rows Foundation wrote too.
        var stored = event
        stored.sequence = 0
        #expect(try StoredJSON.event([UInt8](StoredJSON.encode(stored)), sequence: event.sequence) == event)
        #expect(try StoredJSON.event([UInt8](Self.foundation.encode(stored)), sequence: event.sequence) == event)
    }

    static let names = ["สมชาย ใจดี", "O'Brien \"Quote\" / Slash", "Ng Wei", "ประเสริฐ มั่นคง"]
    static let currencies = ["THB", "JPY", "BHD", "USD"].map { Currency($0)! }

    static func account(_ index: Int) -> Account {
        Account(number: AccountNumber("\(1_402_339_876 + index)")!, holderName: HolderName(names[index % names.count])!)
    }

    static func money(_ index: Int) -> Money {
        Money(minorUnits: Int64(index) * 1_234_567 + 1, currency: currencies[index % currencies.count])
    }

    @Test(arguments: 0..<24)
    func ordersReadBackAsWritten(_ index: Int) throws {
        let text = Self.texts[index % Self.texts.count]
        let order = Order(
            id: .generate(), kind: OrderKind.all[index % 3], caseID: CaseID("TH-CASE-\(index)")!, bank: BankCode(["014", "004", "006"][index % 3])!,
            account: Self.account(index), amount: Self.money(index),
            reportedTransfer: ReportedTransfer(reference: "TRF \(text)", time: Self.dates[index % Self.dates.count]),
            legalBasis: "basis \(text)", requestedBy: "officer \(index)", reportedAt: Self.dates[(index + 1) % Self.dates.count],
            deadline: Self.dates[(index + 2) % Self.dates.count], acceptedAt: Self.dates[(index + 3) % Self.dates.count],
            beneficiary: index % 2 == 0 ? nil : BankAccount(bank: BankCode("025")!, account: Self.account(index + 7)),
            reason: index % 3 == 0 ? nil : text, relatedOrder: index % 4 == 0 ? nil : .generate(),
            chasedFrom: index % 5 == 0 ? nil : ChaseOrigin(parentOrder: .generate(), transferReference: "onward \(text)", hop: index % 7 + 2)
        )
        try expectSameJSON(StoredJSON.encode(order), Self.foundation.encode(order))
        #expect(try Codecs.decoder.decode(Order.self, from: StoredJSON.encode(order)) == order)
        #expect(try StoredJSON.order([UInt8](StoredJSON.encode(order))) == order)
        #expect(try StoredJSON.order([UInt8](Self.foundation.encode(order))) == order, "rows Foundation wrote read back too")
    }

    @Test(arguments: 0..<16)
    func caseFilesReadBackAsWritten(_ index: Int) throws {
        let file = CaseFile(
            id: CaseID("TH-CASE-\(index)")!, victim: index % 2 == 0 ? nil : BankAccount(bank: BankCode("014")!, account: Self.account(index)),
            reportedAt: Self.dates[index % Self.dates.count], chasing: [nil, true, false][index % 3],
            policeComplaintAt: index % 4 == 0 ? nil : Self.dates[(index + 1) % Self.dates.count],
            createdAt: Self.dates[(index + 2) % Self.dates.count], updatedAt: Self.dates[(index + 3) % Self.dates.count]
        )
        try expectSameJSON(StoredJSON.encode(file), Self.foundation.encode(file))
        #expect(try Codecs.decoder.decode(CaseFile.self, from: StoredJSON.encode(file)) == file)
    }

    @Test(arguments: 0..<16)
    func executionsReadBackAsWritten(_ index: Int) throws {
        let transfers = (0..<(index % 4)).map { hop in
            OnwardTransfer(to: BankCode(["014", "004", "006"][hop % 3])!, account: Self.account(index + hop).number,
                           holderName: hop % 2 == 0 ? nil : Self.account(hop).holderName, amount: Self.money(index + hop),
                           reference: "onward \(Self.texts[(index + hop) % Self.texts.count])", time: Self.dates[hop % Self.dates.count])
        }
        let outcome = ExecutionOutcome(
            executedAt: Self.dates[index % Self.dates.count], amount: index % 3 == 0 ? nil : Self.money(index),
            onwardTransfers: transfers, returnReference: index % 2 == 0 ? nil : "RET-\(index)"
        )
        try expectSameJSON(StoredJSON.encode(outcome), Self.foundation.encode(outcome))
        #expect(try Codecs.decoder.decode(ExecutionOutcome.self, from: StoredJSON.encode(outcome)) == outcome)
        #expect(try StoredJSON.execution([UInt8](StoredJSON.encode(outcome))) == outcome)
        #expect(try StoredJSON.execution([UInt8](Self.foundation.encode(outcome))) == outcome, "rows Foundation wrote read back too")
    }

    @Test func aDamagedEventRowIsAnErrorNotAGuess() throws {
        for body in [#"{"at":1,"caseID":"TH-CASE-1","id":"evt_1","type":"t","id":"evt_2"}"#, #"{"at":1,"caseID":"TH-CASE-1","id":"evt_1"}"#,
                     #"{"at":"1","caseID":"TH-CASE-1","id":"evt_1","type":"t"}"#, #"{"at":1,"caseID":"TH-CASE-1","id":"evt_1","type":"t","detail":7}"#,
                     #"{"at":1,"caseID":"","id":"evt_1","type":"t"}"#, #"[]"#, ""] {
            #expect(throws: (any Error).self, "\(body)") { try StoredJSON.event(Array(body.utf8), sequence: 1) }
        }
    }

    /// Each damage to a good stored order is refused by the reader, as Foundation's decoder refuses
    /// it; and a currency the rest of Ayat could never make (a lower-case code, other minor digits),
    /// which Foundation's synthesised `Currency` decoding lets through, is refused too.
    @Test func aDamagedOrderRowIsAnErrorNotAGuess() throws {
        let good = String(decoding: StoredJSON.encode(Order(
            id: .generate(), kind: .freeze, caseID: CaseID("TH-CASE-1")!, bank: BankCode("014")!, account: Self.account(1),
            amount: Self.money(1), reportedTransfer: ReportedTransfer(reference: "TRF", time: Self.dates[1]), legalBasis: "b",
            requestedBy: "o", reportedAt: Self.dates[1], deadline: Self.dates[2], acceptedAt: Self.dates[3]
        )), as: UTF8.self)
        #expect(throws: Never.self) { try StoredJSON.order(Array(good.utf8)) }
        let damages: [(String, String)] = [
            (#""bank":"014""#, #""bank":"14""#), (#""number":"1402339877""#, #""number":"14-02""#),
            (#""minorUnits":1234568"#, #""minorUnits":"1234568""#), (#""legalBasis":"b","#, ""),
            (#""deadline":"#, #""deadline":"x","x":"#), (#""caseID":"TH-CASE-1""#, #""caseID":"""#),
        ]
        for (from, to) in damages {
            #expect(good.contains(from), "the damage \(from) must apply to the sample")
            let damaged = good.replacingOccurrences(of: from, with: to)
            #expect(throws: (any Error).self, "\(damaged)") { try StoredJSON.order(Array(damaged.utf8)) }
            #expect(throws: (any Error).self, "Foundation agrees: \(damaged)") { try Codecs.decoder.decode(Order.self, from: Data(damaged.utf8)) }
        }
        for (from, to) in [(#""code":"JPY""#, #""code":"jpy""#), (#""minorDigits":0"#, #""minorDigits":2"#)] {
            #expect(good.contains(from), "the damage \(from) must apply to the sample")
            let damaged = good.replacingOccurrences(of: from, with: to)
            #expect(throws: (any Error).self, "\(damaged)") { try StoredJSON.order(Array(damaged.utf8)) }
        }
    }

    @Test func headersReadBackAsWritten() throws {
        for headers in [[:], ["Signature": "sig1=:AAEC/+==:", "Signature-Input": "sig1=(\"@method\");created=1", "X-Name": "สมชาย \"q\""]] {
            try expectSameJSON(StoredJSON.encode(headers), Self.foundation.encode(headers))
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
