import AsyncHTTPClient
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

    public init() {}

    public func run() async throws -> EndToEndResult {
        let state = self.state ?? StateDirectory(FileManager.default.temporaryDirectory.appending(path: "ayat-bench-\(UUID().uuidString.prefix(8))"))
        let ownsState = self.state == nil
        defer { if ownsState { try? FileManager.default.removeItem(at: state.url) } }
        let configurations = BenchBanks.make(count: banks, dialect: dialect.dialect, ackMode: ackMode)
        try Self.preparePKI(state, banks: configurations.map(\.code.rawValue), keys: dialect.keys)

        var logger = Logger(label: "ayat.bench") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = ProcessInfo.processInfo.environment["AYAT_LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .error
        let run = self
        let clock = ContinuousClock()
        PeakMemory.reset()
        let started = clock.now
        var result = try await LocalDeployment.run(state: state, banks: configurations, logger: logger) { deployment in
            let startup = clock.now - started
            let poolSize: Int
            switch run.shape {
            case .closed(let concurrency): poolSize = max(1, concurrency)
            case .open: poolSize = 256
            }
            var configuration = HTTPClient.Configuration()
            configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = poolSize
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            do {
                if run.warmUpOrders > 0 {
                    _ = try await run.drive(deployment, orders: run.warmUpOrders, shape: .closed(concurrency: min(16, run.warmUpOrders)),
                                            firstSequence: 1_000_000_000, client: client, progressLabel: nil)
                }
                var measured = try await run.drive(deployment, orders: run.orders, shape: run.shape, firstSequence: 0, client: client,
                                                   progressLabel: run.progress == nil ? nil : "\(run.dialect.name), \(run.banks) banks")
                measured.startup = startup.seconds
                try await client.shutdown()
                return measured
            } catch {
                try? await client.shutdown()
                throw error
            }
        }
        result.peakMemory = PeakMemory.sinceReset()
        return result
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
        _ deployment: LocalDeployment, orders: Int, shape: Shape, firstSequence: Int, client: HTTPClient, progressLabel: String?
    ) async throws -> EndToEndResult {
        let tracker = OrderTracker()
        let changes = await deployment.gateway.feed.subscribe()
        let listener = Task {
            let clock = ContinuousClock()
            for await change in changes {
                await tracker.observe(change.orderID, change.state, at: clock.now)
            }
        }
        defer { listener.cancel() }
        let ticker = progressLabel.map { label in
            Task { [progress] in
                while !Task.isCancelled {
                    try await Task.sleep(for: .seconds(2))
                    let (acked, executed, submitted) = await (tracker.acknowledgedCount, tracker.executedCount, tracker.submittedCount)
                    let memory = PeakMemory.current().map { " · RSS \(Format.mb($0))" } ?? ""
                    progress?("  … \(label): \(submitted)/\(orders) accepted, \(acked) acknowledged, \(executed) executed\(memory)")
                }
            }
        }
        defer { ticker?.cancel() }

        let generator = LoadGenerator(baseURL: deployment.apiBaseURL, banks: banks, tracker: tracker)
        let clock = ContinuousClock()
        let start = clock.now
        let loadShape: LoadGenerator.Shape
        switch shape {
        case .closed(let concurrency): loadShape = .closed(concurrency: concurrency)
        case .open(let rate): loadShape = .open(ratePerSecond: rate)
        }
        await generator.run(orders: orders, shape: loadShape, firstSequence: firstSequence, client: client)
        let sent = clock.now - start
        let deadline = Task { [timeout] in
            try await Task.sleep(for: timeout)
            await tracker.stopWaiting()
        }
        await tracker.waitUntilFinished(orders)
        deadline.cancel()

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
            toExecuted: LatencySummary(await tracker.toExecuted)
        )
    }
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
    /// From starting the banks and the gateway to the API answering.
    public var startup: Double = 0
    public var peakMemory: Int = 0

    public var acknowledgedPerSecond: Double { acknowledgedSeconds > 0 ? Double(acknowledged) / acknowledgedSeconds : 0 }
    public var executedPerSecond: Double { executedSeconds > 0 ? Double(executed) / executedSeconds : 0 }
    public var acceptedPerSecond: Double { sendingSeconds > 0 ? Double(orders - apiErrors) / sendingSeconds : 0 }
    /// Every order executed: none refused, none lost.
    public var complete: Bool { executed == orders && refused == 0 && apiErrors == 0 }
}
