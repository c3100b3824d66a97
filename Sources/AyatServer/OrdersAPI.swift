import Foundation
import AyatCore
import AyatDialects
import AyatDelivery
import AyatStore
import Crypto
import HTTPTypes
import Hummingbird
import Logging

/// `POST /v1/orders` and `GET /v1/orders/{id}`: the case system's door.
public struct OrdersAPI: Sendable {
    let store: any GatewayStore
    let banks: BankDirectory
    let centreID: String
    let intake: OrderIntake
    /// Called once an order is durable, so the dispatcher need not wait for its next poll.
    let onAccepted: @Sendable () -> Void
    /// Wakes held event-feed requests when an order changes.
    let feed: OrderStateFeed?

    /// The largest order body accepted; a freeze order is well under 2 KB.
    static let maxBodyBytes = 64 * 1024

    let flows: [BankCode: BankFlow]
    let atRiskMargin: TimeInterval
    let holdPolicy: GatewayConfiguration.LegalHold

    public init(
        store: any GatewayStore, banks: BankDirectory, centreID: String, intake: OrderIntake? = nil, onAccepted: @escaping @Sendable () -> Void,
        flows: [BankCode: BankFlow] = [:], atRiskMargin: TimeInterval = DeadlineState.atRiskMargin,
        holdPolicy: GatewayConfiguration.LegalHold = .init(), feed: OrderStateFeed? = nil
    ) {
        self.store = store
        self.flows = flows
        self.atRiskMargin = atRiskMargin
        self.holdPolicy = holdPolicy
        self.banks = banks
        self.centreID = centreID
        self.intake = intake ?? OrderIntake(store: store, banks: banks, centreID: centreID)
        self.onAccepted = onAccepted
        self.feed = feed
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.post("/v1/orders") { request, context in try await self.submit(request, context: context) }
        router.get("/v1/orders/:id") { request, context in try await self.show(request, context: context) }
        router.post("/v1/orders/:id/cancel") { request, context in try await self.cancel(request, context: context) }
        router.post("/v1/orders/:id/retry") { request, context in try await self.retry(request, context: context) }
        CasesAPI(store: store, holdPolicy: holdPolicy, atRiskMargin: atRiskMargin).addRoutes(to: router)
        EventsAPI(store: store, feed: feed).addRoutes(to: router)
        BanksAPI(banks: banks, flows: flows, store: store).addRoutes(to: router)
    }

    // MARK: Submit

    func submit(_ request: Request, context: some RequestContext) async throws -> Response {
        var request = request
        let body: [UInt8]
        do {
            body = Array(try await request.collectBody(upTo: Self.maxBodyBytes).readableBytesView)
        } catch {
            throw Problem(type: "too-large", title: "Request body too large", status: 413,
                          detail: "an order body may be at most \(Self.maxBodyBytes) bytes")
        }
        if let contentType = request.headers[.contentType], !contentType.lowercased().hasPrefix("application/json") {
            throw Problem(type: "unsupported-media-type", title: "Unsupported media type", status: 415,
                          detail: "send the order as application/json, not \(contentType)")
        }
        let requestHash = HexText.encode(SHA256.hash(data: body))
        let idempotencyKey = try Self.idempotencyKey(request)

        // The key is checked in the transaction that stores the order: nearly every order is new
        // and needs no read before it. A repeat with a good body costs one signature and is
        // answered from its record there. Whatever the body says, a recorded key decides the
        // answer, so a body that cannot be taken in is looked up before it is refused.
        let now = Date()
        let ready: OrderIntake.Prepared
        do {
            let order = try decodeAndValidate(body, now: now)
            do {
                ready = try intake.prepare(order, now: now)
            } catch OrderIntake.Refusal.unknownBank(let bank) {
                throw Problem(type: "unknown-bank", title: "Unknown bank", status: 422, detail: "no bank with code \(bank)", field: "bank")
            } catch OrderIntake.Refusal.renderFailed(let dialect, let reason) {
                context.logger.error("rendering an order failed", metadata: ["order": "\(order.id)", "error": "\(reason)"])
                throw Problem(type: "render-failed", title: "Order cannot be rendered for this bank", status: 422,
                              detail: "the order could not be turned into a valid \(dialect) message: \(reason)")
            }
        } catch {
            if let record = try await existingRecord(idempotencyKey) {
                return try Self.answer(record, requestHash: requestHash)
            }
            throw error
        }
        let order = ready.order
        let (outcome, responseBody) = try await intake.store(ready, idempotencyKey: idempotencyKey, requestHash: requestHash) { order, messageID in
            let accepted = AcceptedView(
                id: order.id.rawValue, status: OrderState.accepted.rawValue, caseId: order.caseID.rawValue,
                bank: order.bank.rawValue, deadline: Timestamp.format(order.deadline), messageId: messageID.rawValue
            )
            return (202, Array(try JSONEncoder.api.encode(accepted)))
        }
        switch outcome {
        case .created:
            onAccepted()
            context.logger.info("order accepted", metadata: ["order": "\(order.id)", "bank": "\(order.bank)", "case": "\(order.caseID)"])
            return Self.json(status: .accepted, body: responseBody, location: "/v1/orders/\(order.id)")
        case .replayed(let record):
            return try Self.answer(record, requestHash: requestHash)
        case .conflict:
            throw Self.keyConflict
        }
    }

    private func existingRecord(_ key: String?) async throws -> IdempotencyRecord? {
        guard let key else { return nil }
        return try await store.idempotencyRecord(key: key)
    }

    private func decodeAndValidate(_ body: [UInt8], now: Date) throws -> Order {
        guard !body.isEmpty else { throw Problem.malformedJSON("the request body is empty; send the order as JSON") }
        let request: OrderRequest
        do {
            request = try OrderRequestJSON.read(body)
        } catch OrderRequestJSON.Failure.wrongType(let field, let expected) {
            throw Problem(type: "invalid-order", title: "Order is invalid", status: 422,
                          detail: "\(field) must be \(expected)", field: field,
                          errors: [.init(field: field, reason: "must be \(expected)")])
        } catch {
            throw Problem.malformedJSON("\(error)")
        }
        do {
            return try request.validated(id: .generate(), acceptedAt: now, knownBanks: banks.codes)
        } catch {
            let problems = error.problems
            throw Problem(
                type: "invalid-order", title: "Order is invalid", status: 422,
                detail: problems.map(\.description).joined(separator: "; "),
                field: problems.first?.field,
                errors: problems.map { .init(field: $0.field, reason: $0.reason) }
            )
        }
    }

    static let keyConflict = Problem(
        type: "idempotency-key-reused", title: "Idempotency-Key reused with a different body", status: 409,
        detail: "this Idempotency-Key was first used with a different request body; use a new key for a new order",
        field: "Idempotency-Key"
    )

    static func idempotencyKey(_ request: Request) throws -> String? {
        guard let key = request.headers[HTTPField.Name("Idempotency-Key")!] else { return nil }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw Problem(type: "invalid-idempotency-key", title: "Invalid Idempotency-Key", status: 400,
                          detail: "Idempotency-Key must be 1 to 255 visible ASCII characters", field: "Idempotency-Key")
        }
        return key
    }

    static func answer(_ record: IdempotencyRecord, requestHash: String) throws -> Response {
        guard record.requestHash == requestHash else { throw keyConflict }
        var response = json(status: HTTPResponse.Status(code: record.status), body: record.body, location: nil)
        response.headers[HTTPField.Name("Idempotent-Replayed")!] = "true"
        return response
    }

    // MARK: Show

    func show(_ request: Request, context: some RequestContext) async throws -> Response {
        let id = OrderID(rawValue: try context.parameters.require("id"))
        guard let record = try await store.order(id) else {
            throw Problem.notFound("no order \(id.rawValue)")
        }
        let view = OrderView(record: record, timeline: try await store.timeline(of: id), messages: try await store.messages(of: id),
                             atRiskMargin: atRiskMargin)
        return Self.json(status: .ok, body: Array(try JSONEncoder.api.encode(view)), location: nil)
    }

    // MARK: Operator actions

    /// The optional body of cancel and retry: who asks and why; for retry, until when to keep trying.
    struct OperatorRequest: Decodable {
        var reason: String?
        var until: String?
    }

    func cancel(_ request: Request, context: some RequestContext) async throws -> Response {
        let id = OrderID(rawValue: try context.parameters.require("id"))
        let body = try await Self.operatorRequest(request)
        let outcome = try await store.cancel(id, reason: body.reason ?? "cancelled by the case system", at: Date())
        return try await operatorAnswer(outcome, id: id, action: "cancel", refusal: "only an order that has not executed, been rejected or failed can be cancelled")
    }

    func retry(_ request: Request, context: some RequestContext) async throws -> Response {
        let id = OrderID(rawValue: try context.parameters.require("id"))
        let body = try await Self.operatorRequest(request)
        let now = Date()
        var until = now.addingTimeInterval(3600)
        if let text = body.until {
            guard let date = Timestamp.parse(text), date > now else {
                throw Problem(type: "invalid-request", title: "Invalid retry", status: 422,
                              detail: "until must be an RFC 3339 timestamp in the future", field: "until")
            }
            until = date
        }
        let outcome = try await store.retry(id, reason: body.reason ?? "retry requested by the case system", until: until, at: now)
        if case .done = outcome { onAccepted() }
        return try await operatorAnswer(outcome, id: id, action: "retry", refusal: "only a failed order can be retried")
    }

    static func operatorRequest(_ request: Request) async throws -> OperatorRequest {
        var request = request
        let bytes = Array(try await request.collectBody(upTo: 4096).readableBytesView)
        guard !bytes.isEmpty else { return OperatorRequest() }
        do { return try JSONDecoder().decode(OperatorRequest.self, from: Data(bytes)) } catch {
            throw Problem.malformedJSON("the body must be a JSON object with optional reason and until: \(Self.summary(error))")
        }
    }

    private func operatorAnswer(_ outcome: OperatorOutcome, id: OrderID, action: String, refusal: String) async throws -> Response {
        switch outcome {
        case .notFound:
            throw Problem.notFound("no order \(id.rawValue)")
        case .refused(let state):
            throw Problem(type: "invalid-state", title: "Order cannot \(action) from \(state)", status: 409,
                          detail: "order \(id.rawValue) is \(state); \(refusal)")
        case .done:
            guard let record = try await store.order(id) else { throw Problem.notFound("no order \(id.rawValue)") }
            let view = OrderView(record: record, timeline: try await store.timeline(of: id), messages: try await store.messages(of: id),
                                 atRiskMargin: atRiskMargin)
            return Self.json(status: .ok, body: Array(try JSONEncoder.api.encode(view)), location: nil)
        }
    }

    // MARK: Helpers

    static func json(status: HTTPResponse.Status, body: [UInt8], location: String?) -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let location { headers[.location] = location }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    static func summary(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            return (context.underlyingError as NSError?)?.localizedDescription ?? context.debugDescription
        }
        return "\(error)"
    }
}

extension JSONEncoder {
    static var api: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
