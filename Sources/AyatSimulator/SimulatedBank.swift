import AsyncHTTPClient
import Foundation
import AyatCore
import AyatDialects
import AyatPKI
import AyatTransport
import HTTPTypes
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle
import X509

/// A bank on the other end of a real mTLS link: it requires a client
/// certificate from the centre's CA, verifies each message against the
/// gateway's pinned signing certificate, keeps a ledger, deduplicates on the
/// message id, and answers in its own dialect and acknowledgement mode.
public final class SimulatedBank: Sendable {
    /// Where the gateway posts orders.
    public static let messagesPath = "/ayat/v1/messages"
    /// Where a `poll` bank serves the result of message `{id}`: `messagesPath/{id}/result`.
    public static func resultPath(_ id: MessageID) -> String { "\(messagesPath)/\(id.rawValue)/result" }

    public let configuration: SimulatedBankConfiguration
    public let ledger: Ledger
    private let codec: any DialectCodec
    private let tls: TLSConfiguration
    private let callbackTLS: TLSConfiguration
    private let state = SimulatorState()
    private let callbacks: AsyncStream<PendingCallback>
    private let callbackQueue: AsyncStream<PendingCallback>.Continuation
    private let logger: Logger

    /// - Parameters:
    ///   - identity: the bank's TLS identity (server, and client for callbacks).
    ///   - signing: the bank's message-signing identity.
    ///   - centreTrustRoots: the centre's CA: clients without a certificate from it are refused, and callbacks trust it.
    ///   - pinnedGateway: the gateway's signing certificate(s).
    public init(
        configuration: SimulatedBankConfiguration, identity: TLSIdentity, signing: SigningIdentity,
        centreTrustRoots: URL, pinnedGateway: [Certificate], logger: Logger
    ) throws {
        self.configuration = configuration
        self.ledger = Ledger(accounts: try configuration.openingAccounts())
        self.codec = try DialectRegistry.codec(for: configuration.dialect, identity: signing, pinned: pinnedGateway)
        self.tls = try MutualTLS.serverConfiguration(identity: identity, clientTrustRoots: centreTrustRoots)
        self.callbackTLS = try MutualTLS.clientConfiguration(identity: identity, trustRoots: centreTrustRoots)
        (callbacks, callbackQueue) = AsyncStream.makeStream(of: PendingCallback.self)
        self.logger = logger
    }

    /// Loads a simulated bank's identities from the dev PKI layout.
    public convenience init(configuration: SimulatedBankConfiguration, pki: DevPKILayout, logger: Logger) throws {
        let files = pki.bank(configuration.code.rawValue)
        try self.init(
            configuration: configuration,
            identity: TLSIdentity(certificate: files.tls.certificate, privateKey: files.tls.privateKey),
            signing: SigningIdentity(certificate: files.signing.certificate, privateKey: files.signing.privateKey),
            centreTrustRoots: pki.centreCA.certificate,
            pinnedGateway: [try PEMFile.readCertificate(pki.gatewaySigning.certificate)],
            logger: logger
        )
    }

    public func setFaults(_ faults: SimulatorFaults) async { await state.setFaults(faults) }
    /// How many requests reached the handler (after the TLS handshake).
    public func requestCount() async -> Int { await state.requests }
    /// Where `callback` results go: the gateway's inbound endpoint for this bank.
    public func setCallbackURL(_ url: String) async { await state.setCallbackURL(url) }
    /// Returns once the gateway has refused at least `count` of this bank's callbacks.
    public func waitForCallbackRefusals(_ count: Int) async { await state.waitForCallbackRefusals(count) }

    /// The HTTPS application and the callback sender; run both as services.
    /// `onRunning` receives the bound port.
    public func services(host: String = "127.0.0.1", port: Int = 0, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> [any Service] {
        let router = Router()
        router.post(RouterPath(Self.messagesPath)) { request, _ in try await self.receive(request) }
        router.get(RouterPath("\(Self.messagesPath)/:id/result")) { _, context in
            try await self.result(for: MessageID(rawValue: context.parameters.require("id")))
        }
        router.get("/healthz") { _, _ in "ok" }
        let application = Application(
            router: router,
            server: try .tls(.http1(), tlsConfiguration: tls),
            configuration: .init(address: .hostname(host, port: port), serverName: "ayat-simulated-bank-\(configuration.code)"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
        return [application, CallbackSender(bank: self)]
    }

    // MARK: Orders

    func receive(_ request: Request) async throws -> Response {
        var request = request
        let faults = await state.nextRequest()
        if faults.unavailable {
            return Response(status: .serviceUnavailable, headers: [.retryAfter: "0"], body: .init(byteBuffer: ByteBuffer(string: "simulated outage\n")))
        }
        let body = Array(try await request.collectBody(upTo: 1 << 20).readableBytesView)
        let line = HTTPRequestLine(method: "POST", path: Self.messagesPath)
        let now = Date()
        let instruction: OrderInstruction
        do {
            instruction = try codec.readOrder(body, headers: Self.headers(request), request: line, at: now)
        } catch {
            // Nothing trustworthy to answer to: a plain refusal, no signed receipt.
            logger.warning("refused an unverifiable message", metadata: ["bank": "\(configuration.code)", "reason": "\(error)"])
            return Response(status: .badRequest, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "refused: \(error)\n")))
        }
        let answer: Ledger.Answer
        do {
            if let previous = await ledger.previousAnswer(to: instruction.messageID) {
                answer = previous
            } else {
                answer = try await decideAndAnswer(instruction, request: line, at: now)
            }
        } catch {
            logger.error("could not answer a message", metadata: ["bank": "\(configuration.code)", "reason": "\(error)"])
            throw error
        }
        return reply(answer.reply, corrupt: faults.corruptSignature)
    }

    /// Decides, signs the answer, and commits both; signing happens outside the ledger's lock.
    private func decideAndAnswer(_ instruction: OrderInstruction, request: HTTPRequestLine, at now: Date) async throws -> Ledger.Answer {
        let mode = configuration.acknowledgement.mode
        while true {
            let decision = await ledger.decide(instruction, bank: configuration.code)
            var result: ExecutionResult?
            let reply: BankReply
            switch decision {
            case .reject(let code, let text):
                reply = .receipt(receipt(instruction, at: now, status: .rejected, reasonCode: code, reasonText: text))
            case .execute(let amount, let onward):
                let executed = ExecutionResult(
                    messageID: .generate(prefix: "E\(configuration.code)"), originalMessageID: instruction.messageID,
                    bank: configuration.code, recipient: instruction.sender, createdAt: now, kind: instruction.kind,
                    status: .executed,
                    outcome: ExecutionOutcome(
                        executedAt: now, amount: Money(minorUnits: amount, currency: instruction.amount.currency),
                        onwardTransfers: onward,
                        returnReference: instruction.kind == .refund ? await ledger.nextReturnReference(bank: configuration.code) : nil
                    )
                )
                if mode == "sync" {
                    reply = .result(executed)
                } else {
                    reply = .receipt(receipt(instruction, at: now, status: .accepted))
                    result = executed
                }
            }
            let signed = try codec.renderReply(reply, request: request)
            let answer = Ledger.Answer(said: reply, reply: signed, result: result)
            if let committed = await ledger.commit(instruction, bank: configuration.code, decision: decision, answer: answer) {
                if mode == "callback", let result = committed.result, committed.reply == signed {
                    callbackQueue.yield(PendingCallback(result: result, due: Date().addingTimeInterval(configuration.acknowledgement.executionDelay ?? 0.2)))
                }
                return committed
            }
        }
    }

    private func receipt(_ instruction: OrderInstruction, at now: Date, status: Receipt.Status, reasonCode: String? = nil, reasonText: String? = nil) -> Receipt {
        Receipt(
            messageID: .generate(prefix: "B\(configuration.code)"), originalMessageID: instruction.messageID, bank: configuration.code,
            recipient: instruction.sender, createdAt: now, status: status, reasonCode: reasonCode, reasonText: reasonText
        )
    }

    // MARK: Polling

    /// The signed result once executed; until then the signed receipt again.
    func result(for id: MessageID) async throws -> Response {
        let faults = await state.nextRequest()
        if faults.unavailable {
            return Response(status: .serviceUnavailable, headers: [.retryAfter: "0"], body: .init(byteBuffer: ByteBuffer(string: "simulated outage\n")))
        }
        guard let answer = await ledger.answer(to: id) else {
            return Response(status: .notFound, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "unknown message \(id)\n")))
        }
        let line = HTTPRequestLine(method: "GET", path: Self.resultPath(id))
        let ready = answer.result.map { $0.createdAt.addingTimeInterval(configuration.acknowledgement.executionDelay ?? 0.2) <= Date() } ?? false
        // Not executed yet: the receipt again, signed for this request (dialects that bind the URI need it).
        let said: BankReply = ready ? .result(answer.result!) : answer.said
        let signed = try await state.signedReply(for: id, said: said, request: line) { try codec.renderReply(said, request: line) }
        return reply(signed, corrupt: faults.corruptSignature)
    }

    // MARK: Callbacks

    struct PendingCallback: Sendable {
        let result: ExecutionResult
        let due: Date
    }

    /// POSTs execution results to the gateway with the bank's own client certificate, retrying a while.
    struct CallbackSender: Service {
        let bank: SimulatedBank

        func run() async throws {
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: bank.callbackTLS))
            await withGracefulShutdownHandler {
                await withDiscardingTaskGroup { group in
                    for await callback in bank.callbacks {
                        group.addTask { await bank.deliver(callback, with: client) }
                    }
                    // Shutting down: callbacks still waiting are abandoned, as a bank going down would.
                    group.cancelAll()
                }
            } onGracefulShutdown: {
                bank.callbackQueue.finish()
            }
            try await client.shutdown()
        }
    }

    func deliver(_ callback: PendingCallback, with client: HTTPClient) async {
        let wait = callback.due.timeIntervalSinceNow
        if wait > 0 { try? await Task.sleep(for: .milliseconds(Int64(wait * 1000))) }
        for attempt in 1...20 where !Task.isCancelled {
            guard let url = await state.callbackURL else {
                logger.warning("no callback URL configured", metadata: ["bank": "\(configuration.code)"])
                return
            }
            do {
                let path = URL(string: url)?.path ?? "/"
                let line = HTTPRequestLine(method: "POST", path: path)
                let signed = try await state.signedReply(for: callback.result.originalMessageID, said: .result(callback.result), request: line) {
                    try codec.renderReply(.result(callback.result), request: line)
                }
                let faults = await state.currentFaults()
                let sent = faults.corruptCallbackSignature ? Self.corruptSignature(signed) : signed
                var request = HTTPClientRequest(url: url)
                request.method = .POST
                request.headers.add(name: "Content-Type", value: sent.contentType)
                // Callbacks are rare: no idle connection is left for the gateway to wait on.
                request.headers.add(name: "Connection", value: "close")
                for (name, value) in sent.headers { request.headers.add(name: name, value: value) }
                request.body = .bytes(ByteBuffer(bytes: sent.bytes))
                let response = try await client.execute(request, timeout: .seconds(10))
                _ = try await response.body.collect(upTo: 1 << 16)
                if (200..<300).contains(response.status.code) { return }
                await state.recordCallbackRefusal()
                logger.warning("callback refused", metadata: ["bank": "\(configuration.code)", "status": "\(response.status.code)"])
            } catch {
                logger.warning("callback failed", metadata: ["bank": "\(configuration.code)", "error": "\(error)"])
            }
            try? await Task.sleep(for: .milliseconds(min(100 * (1 << min(attempt, 6)), 5000)))
        }
    }

    // MARK: Helpers

    private func reply(_ message: RenderedMessage, corrupt: Bool) -> Response {
        let sent = corrupt ? Self.corruptSignature(message) : message
        var headers: HTTPFields = [.contentType: sent.contentType]
        for (name, value) in sent.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: sent.bytes)))
    }

    static func headers(_ request: Request) -> [String: String] {
        Dictionary(request.headers.map { ($0.name.canonicalName, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// Flips one character of the signature (an XML SignatureValue, or a JWS in a
    /// signature header): the message reads the same but no longer verifies.
    static func corruptSignature(_ message: RenderedMessage) -> RenderedMessage {
        var corrupted = message
        if let (name, value) = message.headers.first(where: { $0.key.lowercased().contains("signature") }), let last = value.last {
            corrupted.headers[name] = String(value.dropLast()) + (last == "A" ? "B" : "A")
            return corrupted
        }
        let marker = Array("SignatureValue>".utf8)
        guard let start = message.bytes.firstRange(of: marker)?.upperBound, start < message.bytes.count else { return message }
        corrupted.bytes[start] = corrupted.bytes[start] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        return corrupted
    }
}

/// The simulator's mutable switches, counters and signed results.
actor SimulatorState {
    private var faults = SimulatorFaults()
    private(set) var requests = 0
    private(set) var callbackURL: String?
    /// A reply is signed once per request line and sent identically on every poll or callback retry.
    private var signedReplies: [SignedReplyKey: RenderedMessage] = [:]

    struct SignedReplyKey: Hashable {
        let id: MessageID
        let kind: String
        let request: HTTPRequestLine
    }

    private(set) var callbackRefusals = 0
    private var refusalWaiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []

    func setFaults(_ faults: SimulatorFaults) { self.faults = faults }

    func recordCallbackRefusal() {
        callbackRefusals += 1
        let ready = refusalWaiters.filter { $0.count <= callbackRefusals }
        refusalWaiters.removeAll { $0.count <= callbackRefusals }
        for waiter in ready { waiter.continuation.resume() }
    }

    func waitForCallbackRefusals(_ count: Int) async {
        if callbackRefusals >= count { return }
        await withCheckedContinuation { refusalWaiters.append((count, $0)) }
    }
    func currentFaults() -> SimulatorFaults { faults }
    func setCallbackURL(_ url: String) { callbackURL = url }

    func nextRequest() -> (unavailable: Bool, corruptSignature: Bool) {
        requests += 1
        if faults.unavailableForRequests > 0 {
            faults.unavailableForRequests -= 1
            return (true, false)
        }
        return (false, faults.corruptReceiptSignature)
    }

    func signedReply(for id: MessageID, said: BankReply, request: HTTPRequestLine, sign: @Sendable () throws -> RenderedMessage) throws -> RenderedMessage {
        let key = SignedReplyKey(id: id, kind: said.kind, request: request)
        if let signed = signedReplies[key] { return signed }
        let signed = try sign()
        signedReplies[key] = signed
        return signed
    }
}
