import AsyncHTTPClient
import AyatPKI
import AyatSandbox
import AyatTransport
import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import ServiceLifecycle

/// The floor under every end-to-end figure: HTTP exchanges per second through the stack Ayat is
/// built on, AsyncHTTPClient to Hummingbird over loopback on kept-alive connections, to a handler
/// that only reads the body and answers with a fixed one. No signature, no store, no JSON.
///
/// Every order takes at least two exchanges, the case system's POST and the POST to the bank,
/// and the second is over mutual TLS; so the two rates measured here bound the order rate on
/// this machine before Ayat does any work of its own.
public struct TransportFloor: Sendable {
    public enum Link: String, Sendable, CaseIterable {
        /// Plain HTTP/1.1, as the case system's API is served on loopback.
        case http
        /// HTTP/1.1 over mutual TLS with the dev PKI's certificates, as a bank link is.
        case mutualTLS = "mTLS"
    }

    public struct Rate: Sendable {
        public var link: Link
        public var exchanges: Int
        public var seconds: Double
        /// This process's CPU seconds (client and server both) per exchange; nil off Linux.
        public var cpuPerExchange: Double?
        public var perSecond: Double { seconds > 0 ? Double(exchanges) / seconds : 0 }
    }

    public var exchanges = 20_000
    public var concurrency = 64
    /// About an order's request and a receipt's reply.
    public var requestBytes = 1_200
    public var responseBytes = 600

    public init() {}

    public func measure(_ link: Link, scratch: URL) async throws -> Rate {
        let pki = DevPKILayout(directory: scratch.appending(path: "transport-floor-pki"))
        if link == .mutualTLS, !FileManager.default.fileExists(atPath: pki.gatewayTLS.certificate.path) {
            try DevPKI.generate(in: pki.directory, banks: ["900"], signingKeys: .p256)
        }
        let bank = pki.bank("900")
        let reply = ByteBuffer(repeating: UInt8(ascii: "r"), count: responseBytes)
        let router = Router()
        router.post("/exchange") { request, _ -> Response in
            _ = try await request.body.collect(upTo: 1 << 20)
            return Response(status: .accepted, headers: [.contentType: "application/json"], body: .init(byteBuffer: reply))
        }
        let port = PortPromise()
        let address = BindAddress.hostname("127.0.0.1", port: 0)
        let onRunning: @Sendable (any Channel) async -> Void = { await port.fulfil($0.localAddress?.port ?? 0) }
        let logger = Logger(label: "ayat.bench.transport-floor") { _ in SwiftLogNoOpLogHandler() }
        let server: any Service
        var client = HTTPClient.Configuration()
        client.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = concurrency
        switch link {
        case .http:
            server = Application(router: router, configuration: .init(address: address), onServerRunning: onRunning, logger: logger)
        case .mutualTLS:
            let serverTLS = try MutualTLS.serverConfiguration(
                identity: TLSIdentity(certificate: bank.tls.certificate, privateKey: bank.tls.privateKey),
                clientTrustRoots: pki.centreCA.certificate)
            server = Application(router: router, server: try .tls(.http1(), tlsConfiguration: serverTLS),
                                 configuration: .init(address: address), onServerRunning: onRunning, logger: logger)
            client.tlsConfiguration = try MutualTLS.clientConfiguration(
                identity: TLSIdentity(certificate: pki.gatewayTLS.certificate, privateKey: pki.gatewayTLS.privateKey),
                trustRoots: bank.ca.certificate)
        }
        let group = ServiceGroup(configuration: .init(services: [server], gracefulShutdownSignals: [], logger: logger))
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: client.untraced())
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                do { try await group.run() } catch { await port.fail(error) }
                await port.fail(TransportFloorError("the server stopped before it was listening"))
            }
            defer { tasks.cancelAll() }
            let url = "\(link == .http ? "http" : "https")://127.0.0.1:\(try await port.value)/exchange"
            let outcome: Result<Rate, any Error>
            do {
                // Every connection opened and every path warm before the clock starts.
                try await drive(http, url: url, count: concurrency * 8)
                let clock = ContinuousClock()
                let cpuBefore = ProcessCPU.seconds()
                let start = clock.now
                try await drive(http, url: url, count: exchanges)
                let seconds = (clock.now - start).seconds
                let cpu = both(cpuBefore, ProcessCPU.seconds()).map { ($1 - $0) / Double(exchanges) }
                outcome = .success(Rate(link: link, exchanges: exchanges, seconds: seconds, cpuPerExchange: cpu))
            } catch {
                outcome = .failure(error)
            }
            try? await http.shutdown()
            await group.triggerGracefulShutdown()
            return try outcome.get()
        }
    }

    /// Both links, each printed as it is measured, then the order rates they allow.
    public func measureEveryLink(scratch: URL, output: @Sendable (String) -> Void) async -> [Link: Rate] {
        var rates = [Link: Rate]()
        for link in Link.allCases {
            do {
                let rate = try await measure(link, scratch: scratch)
                rates[link] = rate
                let cpu = rate.cpuPerExchange.map { ", \(Format.ms($0 * 1000)) of CPU each (both ends)" } ?? ""
                output("HTTP exchanges over \(Format.pad(link.rawValue, 4)) (AsyncHTTPClient → Hummingbird on loopback, \(concurrency) in flight, a handler that only answers): \(Format.rate(rate.perSecond))/s\(cpu)")
            } catch {
                output("HTTP exchanges over \(link.rawValue): skipped (\(error))")
            }
        }
        for ackMode in ["sync", "callback"] {
            if let ceiling = Self.orderCeiling(rates, ackMode: ackMode) {
                output("→ the exchanges alone cap orders at \(Format.rate(ceiling))/s on 2 cores with ack \(ackMode): 1 plain and \(OrderWork(ackMode: ackMode).bankExchanges) mTLS per order, before any signature, store or JSON")
            }
        }
        return rates
    }

    /// The most orders per second two cores could carry doing nothing but an order's HTTP
    /// exchanges: one plain (the API) and one over mutual TLS per bank message (the order, and
    /// the callback or poll that brings the result unless the bank answers in its reply).
    static func orderCeiling(_ rates: [Link: Rate], ackMode: String) -> Double? {
        exchangeSeconds(rates, ackMode: ackMode).map(OrderWork.ceiling(onTwoCores:))
    }

    /// CPU seconds per order (both ends) for the order's exchanges alone.
    static func exchangeSeconds(_ rates: [Link: Rate], ackMode: String) -> Double? {
        guard let plain = rates[.http]?.cpuPerExchange, let mutual = rates[.mutualTLS]?.cpuPerExchange else { return nil }
        return OrderWork(ackMode: ackMode).exchangeSeconds(plain: plain, mutualTLS: mutual)
    }

    /// `count` POSTs from `concurrency` workers, each waiting for its answer before the next.
    private func drive(_ http: HTTPClient, url: String, count: Int) async throws {
        let body = ByteBuffer(repeating: UInt8(ascii: "q"), count: requestBytes)
        let workers = max(1, min(concurrency, count))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<workers {
                group.addTask {
                    var sequence = worker
                    while sequence < count {
                        var request = HTTPClientRequest(url: url)
                        request.method = .POST
                        request.headers.add(name: "Content-Type", value: "application/json")
                        request.body = .bytes(body)
                        let response = try await http.execute(request, timeout: .seconds(30))
                        _ = try await response.body.collect(upTo: 1 << 20)
                        guard response.status == .accepted else {
                            throw TransportFloorError("the floor's server answered \(response.status.code)")
                        }
                        sequence += workers
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}

struct TransportFloorError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
