import Foundation
import Hummingbird
import Logging
import NIOCore

/// A simulated bank's control API: plain HTTP, on loopback only, separate
/// from the bank's mTLS listener so that the gateway can never reach it.
///
/// - `GET /faults`: the faults in force (counted faults show what is left)
/// - `PUT /faults`: replace them with the JSON body (a `SimulatorFaults`; `{}` clears all)
/// - `GET /stats`: requests seen, faults injected by kind, duplicates absorbed, holds placed, callbacks
/// - `GET /ledger`: accounts with balances and holds, and the history of holds, releases and refunds
public struct SimulatorControlAPI: Sendable {
    let bank: SimulatedBank

    public init(bank: SimulatedBank) { self.bank = bank }

    /// The control listener, on 127.0.0.1 only; `onRunning` receives its port.
    public func application(port: Int = 0, logger: Logger, onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = Router()
        router.get("/faults") { _, _ in try Self.json(await bank.faults()) }
        router.put("/faults") { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 16)
            let faults: SimulatorFaults
            do {
                faults = try JSONDecoder().decode(SimulatorFaults.self, from: Data(body.readableBytesView))
            } catch {
                return Self.refusal(Self.reason(error))
            }
            if faults.tls != nil {
                return Self.refusal("faults.tls: a TLS certificate fault is chosen when the bank starts (scenario file or ayat simulate --tls)")
            }
            await bank.setFaults(faults)
            return try Self.json(await bank.faults())
        }
        router.get("/stats") { _, _ in try Self.json(await bank.stats()) }
        router.get("/ledger") { _, _ in try Self.json(await bank.ledger.view(bank: bank.configuration.code)) }
        router.get("/healthz") { _, _ in "ok" }
        return Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "ayat-simulator-control-\(bank.configuration.code)"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
            logger: logger
        )
    }

    static func json(_ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var bytes = try encoder.encode(value)
        bytes.append(UInt8(ascii: "\n"))
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func refusal(_ reason: String) -> Response {
        Response(status: .badRequest, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "refused: \(reason)\n")))
    }

    /// A decoding error as one line: the field and what is wrong with it.
    static func reason(_ error: any Error) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            (["faults"] + keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }).joined(separator: ".")
        }
        switch error {
        case DecodingError.keyNotFound(let key, let context): return "\(path(context.codingPath + [key])): is required"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context), DecodingError.dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        default: return "\(error)"
        }
    }
}
