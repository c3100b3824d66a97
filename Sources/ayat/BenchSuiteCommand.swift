import ArgumentParser
import AyatBench
import AyatSandbox
import Foundation

/// `ayat bench suite`: every end-to-end scenario, with the machine's raw signing rate beside it.
struct BenchSuiteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "suite",
        abstract: "Run every end-to-end scenario on loopback and print throughput, latency percentiles, start-up and peak memory.",
        discussion: """
            Starts simulated banks in this process and the gateway as a child process (`ayat serve`) on 127.0.0.1 \
            (mutual TLS, real signatures, a real SQLite file), drives the HTTP API and follows the event feed; \
            start-up and peak RSS are the gateway process's own (--gateway-in-process runs it beside the banks). Scenarios: (1) throughput per dialect (rsa-xml, ecdsa-xml, es256-jws), \
            (2) latency at a fixed open-loop rate, (3) dispatch rate with a small and a large backlog pending, and \
            start-up with the large backlog stored, (4) 1, 10 and 50 banks, (5) a 4-hop chase, (6) peak RSS of each. \
            Beside them, `openssl speed rsa2048 ecdsap256` on one and two cores and python xmlsec signing the same \
            message; every figure is also printed as a ratio. Build with -c release for real numbers; --smoke runs a \
            few hundred orders to prove the suite works.
            """
    )

    @Option(help: "Orders per throughput run.") var orders: Int?
    @Option(help: "Requests in flight (closed loop).") var concurrency: Int?
    @Option(help: "Simulated banks per run (scenarios 1-3).") var banks: Int?
    @Option(help: "Open-loop rate for the latency scenario, orders/s (default: 30% of the rsa-xml throughput, then 30% of its 2000/s target).") var rate: Double?
    @Option(help: "How banks answer: callback (receipt, then a signed result) or sync (the result as the reply); default: scenarios 1 and 2 in both, callback for the rest.") var ackMode: String?
    @Option(help: "Dialects for scenario 1, comma-separated (\(BenchDialect.all.map(\.name).joined(separator: ", "))).") var dialects: String?
    @Option(help: "Large backlog size for scenario 3.") var backlog: Int?
    @Option(help: "Orders sent through the API in each backlog run of scenario 3.") var backlogOrders: Int?
    @Option(help: "Bank counts for scenario 4, comma-separated.") var bankCounts: String?
    @Option(help: "Scenarios to run, comma-separated (\(BenchSuite.Scenario.allCases.map(\.rawValue).joined(separator: ", "))).") var scenarios: String?
    @Flag(help: "A few hundred orders in all, no baselines: proves the suite runs (CI).") var smoke = false
    @Flag(help: "Skip openssl speed and python xmlsec.") var noBaselines = false
    @Flag(help: "Run the gateway inside this process, beside the banks and the load generator (peak RSS then counts all three).")
    var gatewayInProcess = false

    func run() async throws {
        var options = smoke ? BenchSuite.Options.smoke : BenchSuite.Options()
        if let orders { options.orders = try positive(orders, "--orders") }
        if let concurrency { options.concurrency = try positive(concurrency, "--concurrency") }
        if let banks { options.banks = try positive(banks, "--banks") }
        if let rate {
            guard rate > 0 else { throw ValidationError("--rate must be above 0") }
            options.rate = rate
        }
        if let ackMode {
            guard ["callback", "sync", "poll"].contains(ackMode) else { throw ValidationError("--ack-mode must be callback, sync or poll") }
            options.ackModes = [ackMode]
        }
        if let dialects {
            options.dialects = try dialects.split(separator: ",").map { name in
                guard let dialect = BenchDialect(named: String(name)) else { throw ValidationError("unknown dialect \(name)") }
                return dialect
            }
        }
        if let backlog { options.backlogLarge = try positive(backlog, "--backlog") }
        if let backlogOrders { options.backlogOrders = try positive(backlogOrders, "--backlog-orders") }
        if let bankCounts {
            options.bankCounts = try bankCounts.split(separator: ",").map { text in
                guard let count = Int(text), (1...899).contains(count) else { throw ValidationError("bank counts are 1 to 899: \(text)") }
                return count
            }
        }
        if let scenarios {
            options.scenarios = Set(try scenarios.split(separator: ",").map { name in
                guard let scenario = BenchSuite.Scenario(rawValue: String(name)) else { throw ValidationError("unknown scenario \(name)") }
                return scenario
            })
        }
        if noBaselines { options.baselines = false }
        options.gateway = gatewayInProcess ? .inProcess : .childProcess(executable: GatewayProcess.currentExecutable())

        BenchOutput.line("ayat bench suite · \(Self.buildKind) build · \(ProcessInfo.processInfo.activeProcessorCount) cores · \(Date())")
        let outcome = try await BenchSuite(options: options, output: BenchOutput.line).run()
        BenchOutput.line("\n\(outcome.runs.count) runs, \(outcome.orders) orders: \(outcome.allComplete ? "every order executed" : "NOT every order executed")")
        guard outcome.allComplete else { throw CommandFailure("not every order was executed") }
    }

    private func positive(_ value: Int, _ name: String) throws -> Int {
        guard value > 0 else { throw ValidationError("\(name) must be above 0") }
        return value
    }

    static var buildKind: String {
        #if DEBUG
        "debug"
        #else
        "release"
        #endif
    }
}

/// `ayat bench run`: one end-to-end run with the given dialect, banks and load.
struct BenchRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "One end-to-end run: the gateway and simulated banks on loopback, a load generator on the API."
    )

    @Option(help: "rsa-xml, ecdsa-xml, es256-jws, rsa-bah or ps256-jws.") var dialect = "rsa-xml"
    @Option(help: "Simulated banks.") var banks = 4
    @Option(help: "Requests in flight (closed loop); ignored with --rate.") var concurrency = 64
    @Option(help: "Orders to send.") var orders = 2000
    @Option(help: "Open loop: orders per second, sent on schedule whatever the gateway's pace.") var rate: Double?
    @Option(help: "callback, sync or poll.") var ackMode = "callback"
    @Flag(help: "Run the gateway as a child process (`ayat serve`), so its start-up and peak RSS are measured on their own; the run follows its event feed.")
    var gatewayProcess = false

    func run() async throws {
        guard let benchDialect = BenchDialect(named: dialect) else { throw ValidationError("unknown dialect \(dialect)") }
        guard banks > 0, banks < 900, concurrency > 0, orders > 0 else { throw ValidationError("banks (1-899), concurrency and orders must be above 0") }
        var run = EndToEndRun()
        run.dialect = benchDialect
        run.banks = banks
        run.orders = orders
        run.ackMode = ackMode
        run.shape = rate.map { .open(ratePerSecond: $0) } ?? .closed(concurrency: concurrency)
        run.progress = BenchOutput.line
        if gatewayProcess { run.gateway = .childProcess(executable: GatewayProcess.currentExecutable()) }
        let result = try await run.run()
        for line in result.report() { print(line) }
        guard result.complete else { throw CommandFailure("not every order was executed") }
    }
}
