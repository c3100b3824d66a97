import Foundation
import AyatCore
import AyatDelivery
import AyatDialects
import AyatStore
import Hummingbird
import SwiftASN1
import X509
import Logging

/// `POST /v1/banks/{code}/results`: where `callback` banks send signed
/// execution results, over mutual TLS with their own client certificates.
/// A result counts only once it verifies against that bank's pinned signing
/// certificate; one that does not is refused with the reason and logged (it
/// is not stored: nothing in it can be trusted to say which order it is about).
public struct InboundAPI: Sendable {
    let store: any GatewayStore
    let banks: BankDirectory
    let feed: OrderStateFeed
    /// Per bank, the issuers (subject names of its TLS trust roots) its client certificate must come from.
    let clientIssuers: [BankCode: Set<[UInt8]>]
    private let peerIssuers = PeerIssuerCache()

    public static func resultsPath(for bank: BankCode) -> String { "/v1/banks/\(bank)/results" }

    public init(store: any GatewayStore, banks: BankDirectory, feed: OrderStateFeed, clientIssuers: [BankCode: Set<[UInt8]>] = [:]) {
        self.store = store
        self.banks = banks
        self.feed = feed
        self.clientIssuers = clientIssuers
    }

    func addRoutes(to router: Router<InboundRequestContext>) {
        router.post("/v1/banks/:code/results") { request, context in try await self.receive(request, context: context) }
    }

    func receive(_ request: Request, context: InboundRequestContext) async throws -> Response {
        var request = request
        let code = try context.parameters.require("code")
        guard let bank = BankCode(code), let link = banks[bank] else {
            throw Problem.notFound("no bank with code \(code)")
        }
        // The TLS layer accepted a certificate from some bank's CA; it must be this bank's.
        if let issuers = clientIssuers[bank] {
            let issuer = try await context.peerCertificate().flatMap { try? peerIssuers.issuer(ofCertificate: $0.toDERBytes()) }
            guard let issuer, issuers.contains(issuer) else {
                context.logger.warning("refused a callback over another bank's TLS certificate", metadata: ["bank": "\(bank)"])
                throw Problem(type: "wrong-client-certificate", title: "Client certificate is not this bank's", status: 403,
                              detail: "results for bank \(bank) must come over a TLS client certificate issued by bank \(bank)'s CA")
            }
        }
        let body = Array(try await request.collectBody(upTo: 1 << 20).readableBytesView)
        let now = Date()
        let headers = Dictionary(request.headers.map { ($0.name.canonicalName, $0.value) }, uniquingKeysWith: { first, _ in first })
        let reply: BankReply
        do {
            reply = try link.codec.readReply(body, headers: headers, request: HTTPRequestLine(method: "POST", path: request.uri.path), at: now)
        } catch {
            context.logger.warning("refused a callback that failed verification", metadata: ["bank": "\(bank)", "reason": "\(error)"])
            throw Problem(type: "unverifiable-message", title: "Message refused", status: 400,
                          detail: "the message does not verify against bank \(bank)'s pinned certificate: \(error)")
        }
        guard reply.bank == bank else {
            throw Problem(type: "wrong-bank", title: "Message from another bank", status: 400,
                          detail: "the message says it is from bank \(reply.bank), posted to bank \(bank)'s endpoint")
        }
        guard let record = try await store.order(sentAs: reply.originalMessageID), record.order.bank == bank else {
            throw Problem.notFound("no message \(reply.originalMessageID) was sent to bank \(bank)")
        }
        let orderID = record.order.id
        let inbound = StoredMessage(
            messageID: reply.messageID, orderID: orderID, direction: .inbound, bank: bank, dialect: link.codec.dialect.rawValue,
            kind: reply.kind, contentType: request.headers[.contentType] ?? "application/octet-stream", recordedAt: now,
            bytes: body, headers: headers.filter { $0.key.lowercased().contains("signature") || $0.key.lowercased().hasPrefix("fspiop-") },
            requestLine: "POST \(request.uri.path)"
        )
        let subject = AttemptJudgement.Subject(callbackFor: record.order, state: record.state, messageID: reply.originalMessageID)
        let result = AttemptJudgement(callback: reply, inbound: inbound, subject: subject, profile: link.profile).result(now: now)
        let state = try await store.record(result)
        await feed.publish(.init(orderID: orderID, state: state))
        return Response(status: .noContent)
    }

    static func derName(_ name: DistinguishedName) -> [UInt8] {
        var serializer = DER.Serializer()
        try? serializer.serialize(name)
        return serializer.serializedBytes
    }
}
