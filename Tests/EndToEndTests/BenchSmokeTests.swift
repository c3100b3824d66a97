import AyatBench
import AyatSandbox
import AyatServer
import AyatStore
import Foundation
import Testing

/// `ayat bench suite --smoke`: every scenario with a few hundred orders in all, the gateway as a
/// child process (`ayat serve`) as the suite runs it, so the benchmark cannot rot. It asserts that
/// every order went through and the gateway's memory was read, never how fast.
@Suite("Benchmark smoke run")
struct BenchSmokeTests {
    @Test("every scenario of the bench suite runs and executes every order, the gateway in a child process measured on its own")
    func smokeSuite() async throws {
        var options = BenchSuite.Options.smoke
        let executable = try #require(GatewayProcess.executable(), "the ayat executable was not found beside the test binary: build it (swift build --build-tests) or set AYAT_EXECUTABLE")
        options.gateway = .childProcess(executable: executable)
        let lines = LineCollector()
        let outcome = try await BenchSuite(options: options, output: { lines.append($0) }).run()

        // 3 dialects and a latency run (smoke mode gives one rate) in each ack mode, small and
        // large backlog (each run twice), the stored backlog, each bank count.
        let modes = options.ackModes.count
        let expected = options.dialects.count * modes + modes + 2 * BenchSuite.backlogRounds + 1 + options.bankCounts.count
        #expect(modes == 2)
        #expect(outcome.runs.count == expected)
        // Every target it could check, once: two throughput targets in each mode, the backlog
        // ratio, start-up, peak RSS, the chase; each printed at the end. (Smoke mode's latency
        // runs are at 50/s, not at 30% of the target rate, so they check nothing.)
        #expect(outcome.targets.count == 2 * modes + 4, "\(outcome.targets.map(\.target))")
        let printed = lines.all.drop { !$0.contains("## Targets, as this run measured them") }
        for check in outcome.targets { #expect(printed.contains("  " + check.line), "\(check.target)") }
        for (label, result) in outcome.runs {
            #expect(result.complete, "\(label): \(result.executed) of \(result.orders) executed, \(result.refused) refused, \(result.apiErrors) API errors")
            #expect(result.executed == result.orders, "\(label)")
            #expect(result.toAcknowledged.count == UInt64(result.orders), "\(label): every order has an accept→acknowledged sample")
            #expect(result.toExecuted.count == UInt64(result.orders), "\(label): every order has an accept→executed sample")
            #expect(result.peakMemory > 0, "\(label): peak RSS measured")
            #expect((result.gatewayPeakMemory ?? 0) > 0, "\(label): the gateway process's peak RSS was read")
            #expect((result.gatewayCPUSeconds ?? 0) > 0, "\(label): the gateway process's CPU time was read")
            #expect((result.cpuPerOrder ?? 0) > 0, "\(label): CPU per order measured")
        }
        #expect(outcome.runs.contains { $0.label.hasPrefix("stored") && $0.result.startup > 0 })
        #expect(lines.all.contains { $0.contains("gateway process peak RSS") })
        #expect(lines.all.contains { $0.contains("CPU per order") && $0.contains("gateway ") })
        // The chase scenario froze every hop of every chase it timed.
        #expect(outcome.chaseComplete)
        #expect(lines.all.contains { $0.contains("2 chases, every hop frozen: true") })
        #expect(lines.all.contains { $0.contains("accept→acknowledged p50") })
    }

    @Test("the transport floor goes through a real server on each link, plain and mutual TLS, and prints the order ceilings")
    func transportFloor() async throws {
        let scratch = FileManager.default.temporaryDirectory.appending(path: "ayat-bench-floor-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: scratch) }
        var floor = TransportFloor()
        floor.exchanges = 300
        floor.concurrency = 8
        let lines = LineCollector()
        let rates = await floor.measureEveryLink(scratch: scratch) { lines.append($0) }
        #expect(Set(rates.keys) == Set(TransportFloor.Link.allCases), "\(lines.all)")
        for (link, rate) in rates {
            #expect(rate.exchanges == 300 && rate.perSecond > 0, "\(link)")
            #expect((rate.cpuPerExchange ?? 0) > 0, "\(link): CPU per exchange read")
        }
        #expect(lines.all.contains { $0.contains("HTTP exchanges over mTLS") })
        #expect(lines.all.filter { $0.contains("cap orders at") }.count == 2)
    }

    @Test("the backlog seeder copies an order's rows with fresh ids, pending or stored")
    func seederCopies() async throws {
        let state = StateDirectory(FileManager.default.temporaryDirectory.appending(path: "ayat-bench-seed-\(UUID().uuidString.prefix(8))"))
        defer { try? FileManager.default.removeItem(at: state.url) }
        var template = EndToEndRun()
        template.state = state
        template.banks = 1
        template.orders = 1
        template.warmUpOrders = 0
        template.shape = .closed(concurrency: 1)
        #expect(try await template.run().complete)

        try BacklogSeeder(state: state).seed(250, kind: .pending, batch: 100)
        try BacklogSeeder(state: state).seed(120, kind: .stored, batch: 50)
        let store = try SQLiteStore(path: state.database.path)
        let orders = try await store.orders(limit: 1_000)
        #expect(orders.count == 1 + 250 + 120)
        #expect(orders.filter { $0.state.rawValue == "accepted" }.count == 250)
        #expect(orders.filter { $0.state.rawValue == "executed" }.count == 121)
        // Pending copies wait an hour: none is due now.
        let due = try await store.claimDueDeliveries(now: Date(), limit: 10, leaseDuration: 60, owner: "test")
        #expect(due.isEmpty)
        #expect(try await store.auditSize() > 250)
    }
}

/// Collects the suite's printed lines across tasks.
final class LineCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func append(_ line: String) {
        lock.withLock { lines.append(line) }
    }

    var all: [String] { lock.withLock { lines } }
}
