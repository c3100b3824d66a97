import Foundation
import AyatCore
import AyatDialects
import AyatPKI
import AyatTransport
import Hummingbird
import HummingbirdTLS
import Logging
import NIOSSL
import X509

/// A bank on the other end of a real mTLS link: it requires a client
/// certificate from the centre's CA, verifies each message against the
/// gateway's pinned signing certificate, keeps a ledger, deduplicates on the
/// message id, and answers with a receipt signed in its own dialect.
public final class SimulatedBank: Sendable {
    /// Where the gateway posts messages.
    public static let messagesPath = "/ayat/v1/messages"

    public let configuration: SimulatedBankConfiguration
    public let ledger: Ledger
    private let codec: any DialectCodec
    private let tls: TLSConfiguration
    private let state = SimulatorState()
    private let centreID: String
    private let logger: Logger

    /// - Parameters:
    ///   - identity: the bank's TLS server identity.
    ///   - signing: the bank's message-signing identity.
    ///   - clientTrustRoots: the centre's CA; clients without a certificate from it are refused.
    ///   - pinnedGateway: the gateway's signing certificate(s).
    public init(
        configuration: SimulatedBankConfiguration, identity: TLSIdentity, signing: SigningIdentity,
        clientTrustRoots: URL, pinnedGateway: [Certificate], centreID: String, logger: Logger
    ) throws {
        self.configuration = configuration
        self.ledger = Ledger(accounts: try configuration.openingAccounts())
        self.codec = try DialectRegistry.codec(for: configuration.dialect, identity: signing, pinned: pinnedGateway)
        self.tls = try MutualTLS.serverConfiguration(identity: identity, clientTrustRoots: clientTrustRoots)
        self.centreID = centreID
        self.logger = logger
    }

    /// Loads a simulated bank's identities from the dev PKI layout.
    public convenience init(configuration: SimulatedBankConfiguration, pki: DevPKILayout, centreID: String, logger: Logger) throws {
        let files = pki.bank(configuration.code.rawValue)
        try self.init(
            configuration: configuration,
            identity: TLSIdentity(certificate: files.tls.certificate, privateKey: files.tls.privateKey),
            signing: SigningIdentity(certificate: files.signing.certificate, privateKey: files.signing.privateKey),
            clientTrustRoots: pki.centreCA.certificate,
            pinnedGateway: [try PEMFile.readCertificate(pki.gatewaySigning.certificate)],
            centreID: centreID, logger: logger
        )
    }

    public func setFaults(_ faults: SimulatorFaults) async { await state.setFaults(faults) }
    /// How many requests reached the handler (after the TLS handshake).
    public func requestCount() async -> Int { await state.requests }

    /// The HTTPS application; run it as a service. `onRunning` receives the bound port.
    public func application(host: String = "127.0.0.1", port: Int = 0, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> some ApplicationProtocol {
        let router = Router()
        router.post(RouterPath(Self.messagesPath)) { request, _ in try await self.receive(request) }
        router.get("/healthz") { _, _ in "ok" }
        return Application(
            router: router,
            server: try .tls(.http1(), tlsConfiguration: tls),
            configuration: .init(address: .hostname(host, port: port), serverName: "ayat-simulated-bank-\(configuration.code)"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }

    func receive(_ request: Request) async throws -> Response {
        var request = request
        let faults = await state.nextRequest()
        if faults.unavailable {
            return Response(status: .serviceUnavailable, headers: [.retryAfter: "0"], body: .init(byteBuffer: ByteBuffer(string: "simulated outage\n")))
        }
        let body = Array(try await request.collectBody(upTo: 1 << 20).readableBytesView)
        let now = Date()
        let instruction: FreezeInstruction
        do {
            instruction = try codec.readFreeze(body, headers: [:], at: now)
        } catch {
            // Nothing trustworthy to answer to: a plain refusal, no signed receipt.
            logger.warning("refused an unverifiable message", metadata: ["bank": "\(configuration.code)", "reason": "\(error)"])
            return Response(status: .badRequest, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "refused: \(error)\n")))
        }
        let receiptBytes: [UInt8]
        if let previous = await ledger.previousAnswer(to: instruction.messageID) {
            receiptBytes = previous
        } else {
            receiptBytes = try await answer(instruction, at: now)
        }
        let sent = faults.corruptSignature ? Self.corruptSignature(receiptBytes) : receiptBytes
        return Response(
            status: .ok, headers: [.contentType: XMLEnvelopedCodec.contentType],
            body: .init(byteBuffer: ByteBuffer(bytes: sent))
        )
    }

    /// Decides, signs the receipt, and commits both; signing happens outside the ledger's lock.
    private func answer(_ instruction: FreezeInstruction, at now: Date) async throws -> [UInt8] {
        while true {
            let decision = await ledger.decide(instruction, bank: configuration.code)
            let receiptID = MessageID.generate(prefix: "B\(configuration.code)")
            let receipt: Receipt = switch decision {
            case .accept:
                Receipt(messageID: receiptID, originalMessageID: instruction.messageID, bank: configuration.code,
                        recipient: instruction.sender, createdAt: now, status: .accepted)
            case .reject(let code, let text):
                Receipt(messageID: receiptID, originalMessageID: instruction.messageID, bank: configuration.code,
                        recipient: instruction.sender, createdAt: now, status: .rejected, reasonCode: code, reasonText: text)
            }
            let signed = try codec.renderReceipt(receipt).bytes
            if let committed = await ledger.commit(instruction, bank: configuration.code, decision: decision, receipt: signed) {
                return committed
            }
        }
    }

    /// Flips one character of the SignatureValue: the receipt reads the same but no longer verifies.
    static func corruptSignature(_ bytes: [UInt8]) -> [UInt8] {
        let marker = Array("SignatureValue>".utf8)
        guard let start = bytes.firstRange(of: marker)?.upperBound, start < bytes.count else { return bytes }
        var corrupted = bytes
        corrupted[start] = corrupted[start] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        return corrupted
    }
}

/// The simulator's mutable switches and counters.
actor SimulatorState {
    private var faults = SimulatorFaults()
    private(set) var requests = 0

    func setFaults(_ faults: SimulatorFaults) { self.faults = faults }

    func nextRequest() -> (unavailable: Bool, corruptSignature: Bool) {
        requests += 1
        if faults.unavailableForRequests > 0 {
            faults.unavailableForRequests -= 1
            return (true, false)
        }
        return (false, faults.corruptReceiptSignature)
    }
}
