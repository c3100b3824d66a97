import Foundation
import Testing
@testable import AyatCore

@Suite struct OrderRequestTests {
    let now = Timestamp.parse("2026-11-29T07:00:00Z")!
    let banks: Set<BankCode> = [BankCode("014")!]

    func request(
        bank: String? = "014", number: String? = "1402339876", holder: String? = "สมชาย ใจดี", amount: String? = "15000.00",
        reportedAt: String? = "2026-11-29T06:50:00Z", deadline: String? = nil
    ) -> OrderRequest {
        OrderRequest(
            caseId: "TH-CASE-1", bank: bank,
            account: .init(number: number, holderName: holder),
            amount: .init(value: amount, currency: "THB"),
            reportedTransfer: .init(reference: "TRX1", time: "2026-11-29T06:40:00+07:00"),
            legalBasis: "Decree s.6", requestedBy: "officer:1", reportedAt: reportedAt, deadline: deadline
        )
    }

    func problems(_ request: OrderRequest) -> [String] {
        do {
            _ = try request.validated(id: .generate(), acceptedAt: now, knownBanks: banks)
            return []
        } catch {
            return error.problems.map(\.field)
        }
    }

    @Test func aCompleteRequestBecomesAnOrderDueOneHourAfterTheReport() throws {
        let order = try request().validated(id: .generate(), acceptedAt: now, knownBanks: banks)
        #expect(order.deadline == Timestamp.parse("2026-11-29T07:50:00Z"))
        #expect(order.account.holderName.rawValue == "สมชาย ใจดี")
        #expect(order.amount.minorUnits == 1_500_000)
        #expect(order.reportedTransfer.time == Timestamp.parse("2026-11-28T23:40:00Z"))
    }

    @Test func withoutAReportTimeTheClockStartsAtAcceptance() throws {
        let order = try request(reportedAt: nil).validated(id: .generate(), acceptedAt: now, knownBanks: banks)
        #expect(order.deadline == now.addingTimeInterval(3600))
    }

    @Test func everyMissingFieldIsNamed() {
        let empty = OrderRequest(caseId: nil, bank: nil, account: nil, amount: nil, reportedTransfer: nil, legalBasis: nil, requestedBy: nil)
        #expect(Set(problems(empty)) == ["caseId", "bank", "account", "amount", "reportedTransfer", "legalBasis", "requestedBy"])
    }

    @Test func badValuesNameTheirField() {
        #expect(problems(request(amount: "-5")) == ["amount.value"])
        #expect(problems(request(amount: "0.00")) == ["amount.value"])
        #expect(problems(request(number: "12ab")) == ["account.number"])
        #expect(problems(request(bank: "999")) == ["bank"])
        #expect(problems(request(bank: "14")) == ["bank"])
        #expect(problems(request(holder: "")) == ["account.holderName"])
        #expect(problems(request(deadline: "2026-11-29T06:00:00Z")) == ["deadline"])
        #expect(problems(request(reportedAt: "2026-11-30T00:00:00Z")) == ["reportedAt"])
    }

    /// A field is refused by the API, with its name, when no bank's schema would take it: the
    /// schemas count code points, so a Thai text can be short in grapheme clusters and still too long.
    @Test func lengthsCountCodePointsAsTheBanksSchemasDo() {
        func with(reference: String = "TRX1", legalBasis: String = "Decree s.6") -> OrderRequest {
            var request = request()
            request.reportedTransfer = .init(reference: reference, time: "2026-11-29T06:40:00+07:00")
            request.legalBasis = legalBasis
            return request
        }
        #expect(problems(with(legalBasis: String(repeating: "ก\u{0E34}", count: 70))) == [])
        #expect(problems(with(legalBasis: String(repeating: "ก\u{0E34}", count: 71))) == ["legalBasis"])
        #expect(problems(with(legalBasis: "Decree\u{FFFF}")) == ["legalBasis"])
        #expect(problems(with(reference: String(repeating: "e\u{0301}", count: 18))) == ["reportedTransfer.reference"])
        #expect(problems(request(holder: String(repeating: "ก\u{0E34}", count: 71))) == ["account.holderName"])
    }
}

@Suite struct ReleaseAndRefundRequestTests {
    let now = Timestamp.parse("2026-11-29T07:00:00Z")!
    let banks: Set<BankCode> = [BankCode("014")!]

    func request(type: String, reason: String? = nil, beneficiary: OrderRequest.BeneficiaryPart? = nil) -> OrderRequest {
        OrderRequest(
            type: type, caseId: "TH-CASE-1", bank: "014",
            account: .init(number: "1402339876", holderName: "สมชาย ใจดี"),
            amount: .init(value: "5000.00", currency: "THB"),
            reportedTransfer: .init(reference: "TRX1", time: "2026-11-29T06:40:00Z"),
            legalBasis: "Decree s.7", requestedBy: "officer:1", beneficiary: beneficiary, reason: reason
        )
    }

    func fields(_ request: OrderRequest) -> Set<String> {
        do {
            _ = try request.validated(id: .generate(), acceptedAt: now, knownBanks: banks)
            return []
        } catch {
            return Set(error.problems.map(\.field))
        }
    }

    @Test func aRefundNeedsTheVictimsAccountAndAReason() {
        #expect(fields(request(type: "refund")) == ["reason", "beneficiary"])
        #expect(fields(request(type: "refund", reason: "FRAD", beneficiary: .init(bank: "9", number: "1", holderName: nil)))
                == ["beneficiary.bank", "beneficiary.number", "beneficiary.holderName"])
    }

    @Test func aCompleteRefundKeepsTheBeneficiaryAndGetsADaysDeadline() throws {
        let order = try request(type: "refund", reason: "FRAD", beneficiary: .init(bank: "002", number: "0021234567", holderName: "มานี มีนา"))
            .validated(id: .generate(), acceptedAt: now, knownBanks: banks)
        #expect(order.kind == .refund)
        #expect(order.beneficiary?.bank == BankCode("002"))
        #expect(order.beneficiary?.account.holderName.rawValue == "มานี มีนา")
        #expect(order.deadline == now.addingTimeInterval(24 * 3600))
    }

    @Test func aReleaseNeedsAReason() {
        #expect(fields(request(type: "release")) == ["reason"])
        #expect(fields(request(type: "release", reason: "legal-window-lapsed")).isEmpty)
    }

    @Test func unknownOrderTypesAreRefused() {
        #expect(fields(request(type: "seize")) == ["type"])
    }
}
