import Foundation
import Testing
import AyatCore
import AyatSandbox

@Suite struct IntakeAPITests {
    @Test func theSameIdempotencyKeyReplaysTheFirstAnswer() async throws {
        try await withDeployment { deployment in
            let headers = ["Content-Type": "application/json", "Idempotency-Key": "case-1-freeze-1"]
            let body = freezeOrderJSON()
            let first = try await post(deployment, "/v1/orders", body: body, headers: headers)
            let second = try await post(deployment, "/v1/orders", body: body, headers: headers)
            #expect(first.status == 202)
            #expect(second.status == 202)
            #expect(second.body == first.body)
            #expect(second.headers["idempotent-replayed"] == "true")
            #expect(try await deployment.gateway.store.orders(limit: 10).count == 1)
        }
    }

    @Test func aReusedKeyWithAnotherBodyIsAConflict() async throws {
        try await withDeployment { deployment in
            let headers = ["Content-Type": "application/json", "Idempotency-Key": "case-1-freeze-2"]
            _ = try await post(deployment, "/v1/orders", body: freezeOrderJSON(amount: "100.00"), headers: headers)
            let conflict = try await post(deployment, "/v1/orders", body: freezeOrderJSON(amount: "200.00"), headers: headers)
            #expect(conflict.status == 409)
            #expect(conflict.headers["content-type"] == "application/problem+json")
            #expect(conflict.json["type"] as? String == "urn:ayat:problem:idempotency-key-reused")
            #expect(try await deployment.gateway.store.orders(limit: 10).count == 1)
        }
    }

    /// The key is looked up while the body is decoded and signed; a recorded key still decides
    /// the answer before anything the new body says, even that it cannot be read.
    @Test func aRecordedKeyDecidesBeforeTheBodyIsJudged() async throws {
        try await withDeployment { deployment in
            let headers = ["Content-Type": "application/json", "Idempotency-Key": "case-1-freeze-3"]
            #expect(try await post(deployment, "/v1/orders", body: freezeOrderJSON(), headers: headers).status == 202)
            for body in ["{\"caseId\": ", freezeOrderJSON(bank: "999")] {
                let repeated = try await post(deployment, "/v1/orders", body: body, headers: headers)
                #expect(repeated.status == 409)
                #expect(repeated.json["type"] as? String == "urn:ayat:problem:idempotency-key-reused")
            }
            #expect(try await deployment.gateway.store.orders(limit: 10).count == 1)
        }
    }

    struct BadRequest: Sendable, CustomTestStringConvertible {
        let name: String
        let body: String
        let status: Int
        let field: String?
        var testDescription: String { name }
    }

    static let badRequests: [BadRequest] = [
        BadRequest(name: "malformed JSON", body: "{\"caseId\": ", status: 400, field: nil),
        BadRequest(name: "not an object", body: "[1, 2]", status: 400, field: nil),
        BadRequest(name: "empty body", body: "", status: 400, field: nil),
        BadRequest(name: "missing fields", body: "{\"caseId\":\"C-1\"}", status: 422, field: "bank"),
        BadRequest(name: "negative amount", body: freezeOrderJSON(amount: "-100.00"), status: 422, field: "amount.value"),
        BadRequest(name: "too many decimals", body: freezeOrderJSON(amount: "1.001"), status: 422, field: "amount.value"),
        BadRequest(name: "amount as a number", body: freezeOrderJSON().replacingOccurrences(of: "\"15000.00\"", with: "15000"), status: 422, field: "amount.value"),
        BadRequest(name: "unknown bank", body: freezeOrderJSON(bank: "999"), status: 422, field: "bank"),
        BadRequest(name: "bad account number", body: freezeOrderJSON(number: "12-34"), status: 422, field: "account.number"),
    ]

    @Test(arguments: badRequests)
    func badInputGetsAProblemAndStoresNothing(_ bad: BadRequest) async throws {
        try await withDeployment { deployment in
            let reply = try await post(deployment, "/v1/orders", body: bad.body)
            #expect(reply.status == bad.status)
            #expect(reply.headers["content-type"] == "application/problem+json")
            #expect((reply.json["type"] as? String)?.hasPrefix("urn:ayat:problem:") == true)
            #expect((reply.json["detail"] as? String)?.isEmpty == false)
            #expect(reply.json["status"] as? Int == bad.status)
            if let field = bad.field {
                #expect(reply.json["field"] as? String == field)
                let errors = reply.json["errors"] as? [[String: Any]] ?? []
                #expect(errors.contains { $0["field"] as? String == field })
            }
            #expect(try await deployment.gateway.store.orders(limit: 10).isEmpty)
        }
    }

    @Test func unknownOrdersAreAProblemToo() async throws {
        try await withDeployment { deployment in
            let reply = try await get(deployment, "/v1/orders/ord_missing")
            #expect(reply.status == 404)
            #expect(reply.headers["content-type"] == "application/problem+json")
            #expect(reply.json["type"] as? String == "urn:ayat:problem:not-found")
        }
    }

    @Test func aNonJSONContentTypeIsRefused() async throws {
        try await withDeployment { deployment in
            let reply = try await post(deployment, "/v1/orders", body: freezeOrderJSON(), headers: ["Content-Type": "text/plain"])
            #expect(reply.status == 415)
            #expect(try await deployment.gateway.store.orders(limit: 10).isEmpty)
        }
    }
}
