import AyatCore
import AyatDelivery
import AyatPKI
import AyatSandbox
import AyatServer
import Foundation
import Logging

/// One end-to-end run: simulated banks and the gateway on loopback (real mutual TLS, real
/// signatures, a real SQLite file), a load generator on the HTTP API, and every order followed
/// from its request to its acknowledgement and execution.
public struct EndToEndRun: Sendable {
    public var dialect: BenchDialect = .rsaXML
    public var banks = 4
    /// `callback` gives an acknowledgement, then a separately signed result; `sync` replies with the result.
    public var ackMode = "callback"
    public var orders = 2000
    public var shape: Shape = .closed(concurrency: 64)
    /// Orders sent (and finished) before measuring: connections opened, code paths warm.
    public var warmUpOrders = 64
    /// How long to wait for the last order before giving up on it.
    public var timeout: Duration = .seconds(600)
    /// Where the run's state lives; a fresh temporary directory by default.
    public var state: StateDirectory?
    /// Prints a line every two seconds while orders are in flight.
    public var progress: (@Sendable (String) -> Void)?

    public enum Shape: Sendable, Hashable {
        case closed(concurrency: Int)
        case open(ratePerSecond: Double)
    }

    /// In this process (the default), or as `ayat serve` in a child process measured on its own.
    public var gateway: GatewayPlacement = .inProcess

    public init() {}

    public func run() async throws -> EndToEndResult {
        let state = self.state ?? StateDirectory(FileManager.default.temporaryDirectory.appending(path: "ayat-bench-\(UUID().uuidString.prefix(8))"))
        let ownsState = self.state == nil
        defer { if ownsState { try? FileManager.default.removeItem(at: state.url) } }
        let configurations = BenchBanks.make(count: banks, dialect: dialect.dialect, ackMode: ackMode)
        try Self.preparePKI(state, banks: configurations.map(\.code.rawValue), keys: dialect.keys)

        var logger = Logger(label: "ayat.bench") { StreamLogHandler.standardError(label: $0) }
        let level = ProcessInfo.processInfo.environment["AYAT_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .error
        logger.logLevel = level
        let run = self
        PeakMemory.reset()
        var result: EndToEndResult
        switch gateway {
        case .inProcess:
            let clock = ContinuousClock()
            let started = clock.now
            result = try await LocalDeployment.run(state: state, banks: configurations, logger: logger) { deployment in
                let startup = clock.now - started
                var measured = try await run.measure(DrivenGateway(apiBaseURL: deployment.apiBaseURL, progress: .stateFeed(deployment.gateway.feed)))
                measured.startup = startup.seconds
                return measured
            }
        case .childProcess(let executable):
            result = try await GatewayChildDeployment.run(
                state: state, banks: configurations, executable: executable, logger: logger,
                gatewayEnvironment: ["AYAT_LOG_LEVEL": level.rawValue]
            ) { deployment in
                let child = deployment.gateway
                // One follower for the warm-up and the measured orders; its connections go with the run.
                let follower = try EventFeedFollower(baseURL: deployment.apiBaseURL)
                let driven = DrivenGateway(
                    apiBaseURL: deployment.apiBaseURL, progress: .eventFeed(follower),
                    isRunning: { child.isRunning }, residentMemory: { child.residentMemory() }, memoryLabel: "gateway RSS",
                    gatewayCPU: { child.cpuSeconds() }
                )
                var measured: EndToEndResult
                do {
                    measured = try await run.measure(driven)
                } catch {
                    await follower.close()
                    throw error
                }
                await follower.close()
                measured.startup = child.startup.seconds
                // Read while it runs, just before it is stopped: its whole life's peak.
                measured.gatewayPeakMemory = child.peakResidentMemory()
                return measured
            }
        }
        result.peakMemory = PeakMemory.sinceReset()
        return result
    }

    /// The warm-up orders, then the measured ones, over one set of kept-alive connections.
    private func measure(_ gateway: DrivenGateway) async throws -> EndToEndResult {
        guard let connections = LeanConnectionPool(baseURL: gateway.apiBaseURL) else {
            throw BenchFailure("the API's address is not http://HOST:PORT: \(gateway.apiBaseURL)")
        }
        do {
            if warmUpOrders > 0 {
                _ = try await drive(gateway, orders: warmUpOrders, shape: .closed(concurrency: min(16, warmUpOrders)),
                                    firstSequence: 1_000_000_000, connections: connections, progressLabel: nil)
            }
            let measured = try await drive(gateway, orders: orders, shape: shape, firstSequence: 0, connections: connections,
                                           progressLabel: progress == nil ? nil : "\(dialect.name), \(banks) banks")
            await connections.closeAll()
            return measured
        } catch {
            await connections.closeAll()
            throw error
        }
    }

    /// Keys of the dialect's type for the gateway and every bank, unless the state has them already.
    static func preparePKI(_ state: StateDirectory, banks: [String], keys: SigningKeyAlgorithm) throws {
        try state.create()
        let pki = state.pki
        let missing = !FileManager.default.fileExists(atPath: pki.centreCA.certificate.path)
            || banks.contains { !FileManager.default.fileExists(atPath: pki.bank($0).signing.certificate.path) }
        if missing {
            try DevPKI.generate(in: pki.directory, banks: banks, signingKeys: keys)
        }
    }

    private func drive(
        _ gateway: DrivenGateway, orders: Int, shape: Shape, firstSequence: Int, connections: LeanConnectionPool, progressLabel: String?
    ) async throws -> EndToEndResult {
        let tracker = OrderTracker()
        let listener = try await gateway.follow(into: tracker)
        defer { listener.cancel() }
        let ticker = progressLabel.map { label in
            Task { [progress] in
                while !Task.isCancelled {
                    try await Task.sleep(for: .seconds(2))
                    let (acked, executed, submitted) = await (tracker.acknowledgedCount, tracker.executedCount, tracker.submittedCount)
                    let memory = gateway.residentMemory().map { " · \(gateway.memoryLabel) \(Format.mb($0))" } ?? ""
                    progress?("  … \(label): \(submitted)/\(orders) accepted, \(acked) acknowledged, \(executed) executed\(memory)")
                }
            }
        }
        defer { ticker?.cancel() }

        let generator = LoadGenerator(banks: banks, tracker: tracker)
        let cpuAtStart = (bench: ProcessCPU.seconds(), gateway: gateway.gatewayCPU())
        let clock = ContinuousClock()
        let start = clock.now
        let loadShape: LoadGenerator.Shape
        switch shape {
        case .closed(let concurrency): loadShape = .closed(concurrency: concurrency)
        case .open(let rate): loadShape = .open(ratePerSecond: rate)
        }
        await generator.run(orders: orders, shape: loadShape, firstSequence: firstSequence, connections: connections)
        let sent = clock.now - start
        // Waits for the last order until the run's timeout, or until the gateway has gone.
        let deadline = Task { [timeout] in
            let clock = ContinuousClock()
            let end = clock.now + timeout
            while clock.now < end, gateway.isRunning() {
                try await Task.sleep(for: .milliseconds(200))
            }
            await tracker.stopWaiting()
        }
        await tracker.waitUntilFinished(orders)
        deadline.cancel()
        guard gateway.isRunning() else { throw BenchFailure("the gateway process exited during the run") }
        let cpu = (bench: ProcessCPU.seconds(), gateway: gateway.gatewayCPU())

        let lastAck = await tracker.lastAcknowledgedAt
        let lastExec = await tracker.lastExecutedAt
        return EndToEndResult(
            dialect: dialect, banks: banks, ackMode: ackMode, orders: orders, shape: shape,
            acknowledged: await tracker.acknowledgedCount, executed: await tracker.executedCount,
            refused: await tracker.refusedCount, apiErrors: await tracker.apiErrors,
            sendingSeconds: sent.seconds,
            acknowledgedSeconds: lastAck.map { ($0 - start).seconds } ?? 0,
            executedSeconds: lastExec.map { ($0 - start).seconds } ?? 0,
            toAcknowledged: LatencySummary(await tracker.toAcknowledged),
            toExecuted: LatencySummary(await tracker.toExecuted),
            cpuSeconds: both(cpu.bench, cpuAtStart.bench).map { $0 - $1 },
            gatewayCPUSeconds: both(cpu.gateway, cpuAtStart.gateway).map { $0 - $1 }
        )
    }
}

/// Both values, or nil.
func both<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}

/// What one end-to-end run measured.
public struct EndToEndResult: Sendable {
    public let dialect: BenchDialect
    public let banks: Int
    public let ackMode: String
    public let orders: Int
    public let shape: EndToEndRun.Shape
    public let acknowledged: Int
    public let executed: Int
    public let refused: Int
    public let apiErrors: Int
    /// From the first request to the last request's reply.
    public let sendingSeconds: Double
    /// From the first request to the last acknowledgement.
    public let acknowledgedSeconds: Double
    public let executedSeconds: Double
    public let toAcknowledged: LatencySummary
    public let toExecuted: LatencySummary
    /// CPU seconds this process used from the first request until every order finished:
    /// with the gateway in process, all of it; otherwise the banks, the load generator and the feed follower.
    public let cpuSeconds: Double?
    /// CPU seconds the gateway's own process used over the same span, when it ran in one.
    public let gatewayCPUSeconds: Double?
    /// In process, from starting the banks and the gateway to the API answering; in a child
    /// process, from spawning the gateway to both its ports announced.
    public var startup: Double = 0
    /// The bench process's peak RSS during the run: with the gateway in process, all of it.
    public var peakMemory: Int = 0
    /// The gateway process's own peak RSS, when it ran in a child process.
    public var gatewayPeakMemory: Int?

    public var acknowledgedPerSecond: Double { acknowledgedSeconds > 0 ? Double(acknowledged) / acknowledgedSeconds : 0 }
    public var executedPerSecond: Double { executedSeconds > 0 ? Double(executed) / executedSeconds : 0 }
    public var acceptedPerSecond: Double { sendingSeconds > 0 ? Double(orders - apiErrors) / sendingSeconds : 0 }
    /// Milliseconds of CPU per order, every process of the run together.
    public var cpuPerOrder: Double? {
        guard let cpuSeconds, orders > 0 else { return nil }
        return (cpuSeconds + (gatewayCPUSeconds ?? 0)) * 1000 / Double(orders)
    }
    /// Every order executed: none refused, none lost.
    public var complete: Bool { executed == orders && refused == 0 && apiErrors == 0 }
}
