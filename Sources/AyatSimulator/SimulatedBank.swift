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
    /// The settlement a refund's return leg to another bank goes through.
    let clearingSlot = ClearingSlot()
    private let codec: any DialectCodec
    private let tls: TLSConfiguration
    private let callbackTLS: TLSConfiguration
    private let state: SimulatorState
    /// The certificate the bank serves when a `tls` fault replaced its good one.
    public let faultyServerCertificate: URL?
    private let callbacks: AsyncStream<PendingCallback>
    private let callbackQueue: AsyncStream<PendingCallback>.Continuation
    private let logger: Logger

    /// - Parameters:
    ///   - identity: the bank's TLS identity (server, and client for callbacks).
    ///   - signing: the bank's message-signing identity.
    ///   - centreTrustRoots: the centre's CA: clients without a certificate from it are refused, and callbacks trust it.
    ///   - pinnedGateway: the gateway's signing certificate(s).
    ///   - serverIdentity: a different identity to serve (a `tls` fault); callbacks still use `identity`.
    public init(
        configuration: SimulatedBankConfiguration, identity: TLSIdentity, signing: SigningIdentity,
        centreTrustRoots: URL, pinnedGateway: [Certificate], logger: Logger,
        serverIdentity: TLSIdentity? = nil, faultyServerCertificate: URL? = nil
    ) throws {
        self.configuration = configuration
        self.ledger = Ledger(accounts: try configuration.openingAccounts())
        self.state = SimulatorState(faults: configuration.faults ?? SimulatorFaults())
        self.faultyServerCertificate = faultyServerCertificate
        self.codec = try DialectRegistry.codec(for: configuration.dialect, identity: signing, pinned: pinnedGateway)
        self.tls = try MutualTLS.serverConfiguration(identity: serverIdentity ?? identity, clientTrustRoots: centreTrustRoots)
        self.callbackTLS = try MutualTLS.clientConfiguration(identity: identity, trustRoots: centreTrustRoots)
        (callbacks, callbackQueue) = AsyncStream.makeStream(of: PendingCallback.self)
        self.logger = logger
    }

    /// Loads a simulated bank's identities from the dev PKI layout; a `tls`
    /// fault makes the certificate to serve instead, beside the good one.
    public convenience init(configuration: SimulatedBankConfiguration, pki: DevPKILayout, logger: Logger) throws {
        let files = pki.bank(configuration.code.rawValue)
        var serverIdentity: TLSIdentity?
        var faulty: URL?
        if let fault = configuration.faults?.tls {
            let made = try FaultyServerCertificate.make(fault, bank: files, code: configuration.code.rawValue)
            serverIdentity = try TLSIdentity(certificate: made.certificate, privateKey: made.privateKey)
            faulty = made.certificate
        }
        try self.init(
            configuration: configuration,
            identity: TLSIdentity(certificate: files.tls.certificate, privateKey: files.tls.privateKey),
            signing: SigningIdentity(certificate: files.signing.certificate, privateKey: files.signing.privateKey),
            centreTrustRoots: pki.centreCA.certificate,
            pinnedGateway: [try PEMFile.readCertificate(pki.gatewaySigning.certificate)],
            logger: logger, serverIdentity: serverIdentity, faultyServerCertificate: faulty
        )
    }

    /// Replaces every fault now in force (`down.seconds` counts from now). A `tls` fault only acts at start.
    public func setFaults(_ faults: SimulatorFaults) async { await state.setFaults(faults) }
    /// The faults in force; counted ones show what is left.
    public func faults() async -> SimulatorFaults { await state.currentFaults() }
    /// How many requests reached the handler (after the TLS handshake).
    public func requestCount() async -> Int { await state.requests }
    /// What the bank did and which faults it injected.
    public func stats() async -> SimulatorStats {
        SimulatorStats(
            bank: configuration.code.rawValue, requests: await state.requests, polls: await state.polls,
            faultsInjected: await state.injected, duplicatesAbsorbed: await ledger.duplicatesAbsorbed,
            holdsPlaced: await ledger.holdsPlaced, callbacksSent: await state.callbacksSent,
            callbacksAccepted: await state.callbacksAccepted, callbacksRefused: await state.callbackRefusals,
            downUntil: await state.outageEnds.map(Timestamp.format)
        )
    }
    /// Where `callback` results go: the gateway's inbound endpoint for this bank.
    public func setCallbackURL(_ url: String) async { await state.setCallbackURL(url) }
    /// Where `callback` results go now, if anywhere.
    public func callbackURL() async -> String? { await state.callbackURL }
    /// Returns once the gateway has refused at least `count` of this bank's callbacks.
    public func waitForCallbackRefusals(_ count: Int) async { await state.waitForCallbackRefusals(count) }

    /// The HTTPS application and the callback sender; run both as services.
    /// `onRunning` receives the bound port.
    public func services(host: String = "127.0.0.1", port: Int = 0, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> [any Service] {
        let router = Router(context: ConnectionContext.self)
        router.post(RouterPath(Self.messagesPath)) { request, context in try await self.receive(request, context: context) }
        router.get(RouterPath("\(Self.messagesPath)/:id/result")) { _, context in
            try await self.result(for: MessageID(rawValue: context.parameters.require("id")), context: context)
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

    func receive(_ request: Request, context: ConnectionContext) async throws -> Response {
        var request = request
        let plan = await state.nextRequest()
        let damage: SimulatorFaults.Damage?
        switch try await act(on: plan, context: context) {
        case .respond(let response): return response
        case .answer(let chosen): damage = chosen
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
        return reply(answer.reply, damage: damage)
    }

    /// What a plan does before the request is read: wait, then answer normally or fail as asked.
    enum Action {
        case respond(Response)
        case answer(damage: SimulatorFaults.Damage?)
    }

    func act(on plan: RequestPlan, context: ConnectionContext) async throws -> Action {
        if plan.latency > .zero { try await Task.sleep(for: plan.latency) }
        switch plan.fate {
        case .answer(let damage):
            return .answer(damage: damage)
        case .unavailable:
            return .respond(Self.plain(.serviceUnavailable, "simulated outage", headers: [.retryAfter: "0"]))
        case .down:
            return .respond(Self.plain(.serviceUnavailable, "simulated bank is down"))
        case .error(let status, let retryAfter):
            var headers = HTTPFields()
            if let retryAfter { headers[.retryAfter] = "\(retryAfter)" }
            return .respond(Self.plain(HTTPResponse.Status(code: status), "simulated error \(status)", headers: headers))
        case .drop:
            try? await context.channel.close()
            throw ConnectionDropped()
        case .reset:
            // Linger zero: closing the socket sends a TCP RST instead of a FIN; the close
            // starts below the TLS handler, so no close_notify goes first either.
            let channel = context.channel
            if let socket = channel as? any SocketOptionProvider {
                try? await socket.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
            }
            try? await channel.eventLoop.flatSubmit {
                guard let tls = try? channel.pipeline.syncOperations.context(handlerType: NIOSSLServerHandler.self) else {
                    return channel.close()
                }
                let closed = channel.eventLoop.makePromise(of: Void.self)
                tls.close(promise: closed)
                return closed.futureResult
            }.get()
            throw ConnectionDropped()
        case .hang(let seconds):
            // Held until the time is up (then closed unanswered) or until the client gives up and closes it.
            // The close ends both waits: a future's wait cannot be cancelled.
            let channel = context.channel
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    try? await Task.sleep(for: .milliseconds(Int64(seconds * 1000)))
                    try? await channel.close()
                }
                group.addTask { try? await channel.closeFuture.get() }
                await group.next()
                group.cancelAll()
            }
            throw ConnectionDropped()
        }
    }

    static func plain(_ status: HTTPResponse.Status, _ text: String, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "text/plain"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text + "\n")))
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
                let firstTime = committed.reply == signed
                if firstTime, instruction.kind == .refund, case .execute(let amount, _) = decision,
                   let beneficiary = instruction.beneficiary, beneficiary.bank != configuration.code {
                    // The return leg: paid once, when the refund is first carried out.
                    await clearingSlot.pay(bank: beneficiary.bank, account: beneficiary.account.number,
                                           amount: Money(minorUnits: amount, currency: instruction.amount.currency))
                }
                if mode == "callback", let result = committed.result, firstTime {
                    await scheduleCallback(result)
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
    func result(for id: MessageID, context: ConnectionContext) async throws -> Response {
        let damage: SimulatorFaults.Damage?
        switch try await act(on: await state.nextRequest(isPoll: true), context: context) {
        case .respond(let response): return response
        case .answer(let chosen): damage = chosen
        }
        guard let answer = await ledger.answer(to: id) else {
            return Response(status: .notFound, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "unknown message \(id)\n")))
        }
        let line = HTTPRequestLine(method: "GET", path: Self.resultPath(id))
        let ready = answer.result.map { $0.createdAt.addingTimeInterval(configuration.acknowledgement.executionDelay ?? 0.2) <= Date() } ?? false
        // Not executed yet: the receipt again, signed for this request (dialects that bind the URI need it).
        let said: BankReply = ready ? .result(answer.result!) : answer.said
        let signed = try await state.signedReply(for: id, said: said, request: line) { try codec.renderReply(said, request: line) }
        return reply(signed, damage: damage)
    }

    // MARK: Callbacks

    struct PendingCallback: Sendable {
        let result: ExecutionResult
        let due: Date
        /// Send it a second time once it has been accepted.
        var duplicate = false
    }

    /// Queues an execution result for the gateway, as the faults say: later, twice, or
    /// (before the receipt) sent once right now, while the order's answer waits.
    private func scheduleCallback(_ result: ExecutionResult) async {
        let plan = await state.callbackPlan()
        if plan.beforeReceipt, let client = await state.callbackClient, await sendCallback(result, with: client) {
            if plan.duplicate {
                await state.record("callback-duplicate")
                callbackQueue.yield(PendingCallback(result: result, due: Date()))
            }
            return
        }
        let delay = (configuration.acknowledgement.executionDelay ?? 0.2) + plan.delay
        callbackQueue.yield(PendingCallback(result: result, due: Date().addingTimeInterval(delay), duplicate: plan.duplicate))
    }

    /// POSTs execution results to the gateway with the bank's own client certificate, retrying a while.
    struct CallbackSender: Service {
        let bank: SimulatedBank

        func run() async throws {
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: HTTPClient.Configuration(tlsConfiguration: bank.callbackTLS).untraced())
            await bank.state.setCallbackClient(client)
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
            await bank.state.setCallbackClient(nil)
            try await client.shutdown()
        }
    }

    func deliver(_ callback: PendingCallback, with client: HTTPClient) async {
        let wait = callback.due.timeIntervalSinceNow
        if wait > 0 { try? await Task.sleep(for: .milliseconds(Int64(wait * 1000))) }
        for attempt in 1...20 where !Task.isCancelled {
            if await sendCallback(callback.result, with: client) {
                if callback.duplicate {
                    await state.record("callback-duplicate")
                    _ = await sendCallback(callback.result, with: client)
                }
                return
            }
            try? await Task.sleep(for: .milliseconds(min(100 * (1 << min(attempt, 6)), 5000)))
        }
    }

    /// One POST of a signed execution result; true once the gateway accepted it.
    func sendCallback(_ result: ExecutionResult, with client: HTTPClient) async -> Bool {
        guard let url = await state.callbackURL else {
            logger.warning("no callback URL configured", metadata: ["bank": "\(configuration.code)"])
            return false
        }
        do {
            let path = URL(string: url)?.path ?? "/"
            let line = HTTPRequestLine(method: "POST", path: path)
            let signed = try await state.signedReply(for: result.originalMessageID, said: .result(result), request: line) {
                try codec.renderReply(.result(result), request: line)
            }
            let sent = await state.callbackDamage().map { ReplyDamage.apply($0, to: signed) } ?? signed
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: sent.contentType)
            for (name, value) in sent.headers { request.headers.add(name: name, value: value) }
            request.body = .bytes(ByteBuffer(bytes: sent.bytes))
            let response = try await client.execute(request, timeout: .seconds(10))
            _ = try await response.body.collect(upTo: 1 << 16)
            if (200..<300).contains(response.status.code) {
                await state.recordCallbackAccepted()
                return true
            }
            await state.recordCallbackRefusal()
            logger.warning("callback refused", metadata: ["bank": "\(configuration.code)", "status": "\(response.status.code)"])
        } catch {
            logger.warning("callback failed", metadata: ["bank": "\(configuration.code)", "error": "\(error)"])
        }
        return false
    }

    // MARK: Helpers

    private func reply(_ message: RenderedMessage, damage: SimulatorFaults.Damage?) -> Response {
        let sent = damage.map { ReplyDamage.apply($0, to: message) } ?? message
        var headers: HTTPFields = [.contentType: sent.contentType]
        for (name, value) in sent.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: sent.bytes)))
    }

    static func headers(_ request: Request) -> [String: String] {
        Dictionary(request.headers.map { ($0.name.canonicalName, $0.value) }, uniquingKeysWith: { first, _ in first })
    }
}

/// A request context that keeps the connection, so that a fault can close it unanswered.
public struct ConnectionContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }
}

/// Thrown after a fault closed the connection: there is nobody left to answer.
struct ConnectionDropped: Error, CustomStringConvertible {
    var description: String { "connection closed by a simulated fault" }
}
