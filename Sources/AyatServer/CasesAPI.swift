import Foundation
import AyatCore
import AyatDialects
import AyatStore
import Hummingbird

/// `GET/PUT /v1/cases/{id}` and `POST /v1/cases/{id}/police-complaint`: the
/// victim's case, its trail of hops, and what the case system tells Ayat about it.
struct CasesAPI: Sendable {
    let store: any GatewayStore
    let holdPolicy: GatewayConfiguration.LegalHold
    let atRiskMargin: TimeInterval

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/v1/cases/:id") { _, context in try await self.show(try Self.caseID(context)) }
        router.put("/v1/cases/:id") { request, context in try await self.register(request, id: try Self.caseID(context)) }
        router.post("/v1/cases/:id/police-complaint") { request, context in try await self.complaint(request, id: try Self.caseID(context)) }
    }

    /// The body of `PUT /v1/cases/{id}`.
    struct Registration: Decodable {
        struct VictimPart: Decodable {
            var bank: String?
            var number: String?
            var holderName: String?
        }
        var reportedAt: String?
        var victim: VictimPart?
        var chasing: Bool?
        var policeComplaintAt: String?
    }

    func show(_ id: CaseID) async throws -> Response {
        let records = try await store.orders(inCase: id)
        guard let file = try await store.caseFile(id) else { throw Problem.notFound("no case \(id.rawValue)") }
        let view = CaseView(file: file, records: records, holdPolicy: holdPolicy, atRiskMargin: atRiskMargin)
        return OrdersAPI.json(status: .ok, body: Array(try JSONEncoder.api.encode(view)), location: nil)
    }

    func register(_ request: Request, id: CaseID) async throws -> Response {
        let body: Registration = try await Self.decode(request)
        var problems = [Problem.FieldError]()
        let now = Date()
        let existing = try await store.caseFile(id)
        var reportedAt = existing?.reportedAt ?? now
        if let text = body.reportedAt {
            if let date = Timestamp.parse(text), date <= now.addingTimeInterval(300) { reportedAt = date } else {
                problems.append(.init(field: "reportedAt", reason: "must be an RFC 3339 timestamp, not in the future"))
            }
        }
        var victim = existing?.victim
        if let part = body.victim {
            let bank = part.bank.flatMap(BankCode.init)
            let number = part.number.flatMap(AccountNumber.init)
            let name = part.holderName.flatMap(HolderName.init)
            if bank == nil { problems.append(.init(field: "victim.bank", reason: "must be a three-digit bank code")) }
            if number == nil { problems.append(.init(field: "victim.number", reason: "must be an account number")) }
            if name == nil { problems.append(.init(field: "victim.holderName", reason: "must be the holder's name")) }
            if let bank, let number, let name { victim = BankAccount(bank: bank, account: Account(number: number, holderName: name)) }
        }
        var complaint = existing?.policeComplaintAt
        if let text = body.policeComplaintAt {
            if let date = Timestamp.parse(text) { complaint = date } else {
                problems.append(.init(field: "policeComplaintAt", reason: "must be an RFC 3339 timestamp"))
            }
        }
        guard problems.isEmpty else {
            throw Problem(type: "invalid-case", title: "Case is invalid", status: 422,
                          detail: problems.map { "\($0.field) \($0.reason)" }.joined(separator: "; "),
                          field: problems.first?.field, errors: problems)
        }
        let file = CaseFile(id: id, victim: victim, reportedAt: reportedAt, chasing: body.chasing ?? existing?.chasing,
                            policeComplaintAt: complaint, createdAt: existing?.createdAt ?? now, updatedAt: now)
        _ = try await store.saveCase(file)
        return try await show(id)
    }

    func complaint(_ request: Request, id: CaseID) async throws -> Response {
        struct Body: Decodable { var at: String? }
        let body: Body = try await Self.decode(request)
        guard var file = try await store.caseFile(id) else { throw Problem.notFound("no case \(id.rawValue)") }
        let now = Date()
        if let text = body.at {
            guard let date = Timestamp.parse(text) else {
                throw Problem(type: "invalid-case", title: "Case is invalid", status: 422, detail: "at must be an RFC 3339 timestamp", field: "at")
            }
            file.policeComplaintAt = date
        } else {
            file.policeComplaintAt = now
        }
        file.updatedAt = now
        _ = try await store.saveCase(file)
        return try await show(id)
    }

    static func caseID(_ context: some RequestContext) throws -> CaseID {
        let text = try context.parameters.require("id")
        guard let id = CaseID(text) else {
            throw Problem(type: "invalid-case-id", title: "Invalid case id", status: 400,
                          detail: "a case id is 1 to 64 letters, digits, '-', '_', '.' or '/'", field: "id")
        }
        return id
    }

    static func decode<T: Decodable>(_ request: Request) async throws -> T {
        var request = request
        let bytes = Array(try await request.collectBody(upTo: 16 * 1024).readableBytesView)
        do { return try JSONDecoder().decode(T.self, from: Data(bytes.isEmpty ? Array("{}".utf8) : bytes)) } catch {
            throw Problem.malformedJSON("the body is not the expected JSON object: \(OrdersAPI.summary(error))")
        }
    }
}
