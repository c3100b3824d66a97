import AyatCore
import AyatServer
import Foundation
import Testing

/// The API reads order bodies with the strict JSON parser; what it reads must be what
/// `OrderRequest`'s `Codable` form reads, and a wrong type must be named by the same path.
@Suite struct OrderRequestJSONTests {
    static let refund = #"""
        {"type":"refund","caseId":"TH-CASE-9","bank":"014","account":{"number":"1402339876","holderName":"สมชาย ใจดี"},
         "amount":{"value":"500.00","currency":"THB"},"reason":"court order \"7\" / 2026","relatedOrderId":"ord_1",
         "beneficiary":{"bank":"004","number":"0048812230","holderName":"ประเสริฐ มั่นคง"},"legalBasis":null,
         "requestedBy":"officer:1","deadline":"2026-12-05T10:00:00Z","unknown":{"nested":[1,2,{"x":true}]}}
        """#

    @Test(arguments: [freezeOrderJSON(), refund, "{}", #"{"account":{},"amount":null}"#, #"{"type":"freeze","extra":7}"#])
    func readsWhatTheDecoderReads(_ body: String) throws {
        let ours = try OrderRequestJSON.read(Array(body.utf8))
        let foundation = try JSONDecoder().decode(OrderRequest.self, from: Data(body.utf8))
        #expect(ours == foundation)
    }

    @Test(arguments: [
        (#"{"caseId":7}"#, "caseId", "a string"),
        (#"{"amount":{"value":15000}}"#, "amount.value", "a string"),
        (#"{"account":"1402339876"}"#, "account", "an object"),
        (#"{"beneficiary":{"holderName":["a"]}}"#, "beneficiary.holderName", "a string"),
        (#"{"reportedTransfer":[]}"#, "reportedTransfer", "an object"),
        (#"{"relatedOrderId":true}"#, "relatedOrderId", "a string"),
    ])
    func aWrongTypeIsNamedByItsPath(_ body: String, _ field: String, _ expected: String) throws {
        #expect(throws: OrderRequestJSON.Failure.wrongType(field: field, expected: expected)) { try OrderRequestJSON.read(Array(body.utf8)) }
        // Foundation's decoder refuses the same bodies, at the same path.
        do {
            _ = try JSONDecoder().decode(OrderRequest.self, from: Data(body.utf8))
            Issue.record("Foundation accepted \(body)")
        } catch DecodingError.typeMismatch(_, let context) {
            #expect(context.codingPath.map(\.stringValue).joined(separator: ".") == field)
        }
    }

    @Test(arguments: ["", "{", "[1,2]", "\"order\"", #"{"caseId":"a"} x"#, #"{"caseId":"a","caseId":"b"}"#, "{'caseId':'a'}"])
    func whatIsNotAJSONObjectIsMalformed(_ body: String) {
        #expect {
            try OrderRequestJSON.read(Array(body.utf8))
        } throws: { error in
            guard case .malformed(let reason) = error as? OrderRequestJSON.Failure else { return false }
            return !reason.isEmpty
        }
    }
}
