import AsyncHTTPClient
import Foundation
import GRDB
import NIOCore
import Testing
import AyatCore
import AyatDialects
import AyatDelivery
import AyatSandbox
import AyatServer
import AyatSimulator

// The crash test: the gateway runs as a separate process (`ayat serve`, the
// executable `swift build` puts beside the test binary) in front of the
// shipped simulated banks, which run in this process so their ledgers can be
// read afterwards. Several tasks submit freeze orders, each with its own
// Idempotency-Key, while the gateway is killed with SIGKILL at random moments
// and restarted each time (on new ports). A submitter that loses its answer
// sends the same body with the same key again (one order in twenty also
// drops its first 202 on purpose, so that path runs whatever the kills hit).
// At the end every accepted order must be `executed`, each bank must have
// placed exactly one hold per order's message, and the gateway must hold
// exactly one order per key.
//
// CI runs it with 200 orders. The full local run:
//
//     AYAT_CRASH_ORDERS=2000 swift test --filter CrashRecoveryTests
//
// (add `--skip-build --scratch-path DIR` to reuse a build). Other knobs:
// AYAT_CRASH_SEED=N replays a kill schedule (printed at the start; thread
// timing still varies), AYAT_CRASH_KILLS=N sets the number of kills (default
// 3 to 5, from the seed), AYAT_EXECUTABLE=PATH runs another `ayat` binary.
//
// A gateway killed while an attempt is in flight leaves that delivery leased
// to the dead process until the lease runs out (Dispatcher.Settings.leaseDuration,
// 60 s, not configurable from gateway.yaml): the wait for `executed` allows for
// it, which is most of this test's running time.

@Suite struct CrashRecoveryTests {
    @Test func everyAcceptedOrderExecutesOnceThroughGatewayCrashes() async throws {
        let settings = CrashRunSettings.fromEnvironment()
        guard let executable = GatewayProcess.executable() else {
            Issue.record("the ayat executable was not found beside the test binary: build it (swift build --build-tests) or set AYAT_EXECUTABLE")
            return
        }
        print("crash test: \(settings.orders) orders, seed \(settings.seed) (rerun with AYAT_CRASH_SEED=\(settings.seed)), gateway \(executable.path)")
        let state = temporaryState()
        let banks = try LocalDeployment.shippedBanks()
        try LocalDeployment.preparePKI(state: state, banks: banks)
        let banksInProcess = try banks.map { try SimulatedBank(configuration: $0, pki: state.pki, logger: testLogger) }
        let passed = try await SimulatorHost.run(banks: banksInProcess, logger: testLogger) { simulators in
            try LocalDeployment.writeConfiguration(state: state, banks: banks, simulatorPorts: simulators.map(\.port))
            // Both listeners on ports the system chooses: each restart gets new ones.
            var configuration = try state.loadGatewayConfiguration()
            configuration.listenPort = 0
            configuration.inboundPort = 0
            try YAMLFile.write(configuration, to: state.gatewayConfiguration)

            let supervisor = GatewaySupervisor(
                executable: executable, state: state, log: state.url.appending(path: "gateway.log"), simulators: simulators
            )
            // Whatever happens below, no gateway outlives the test.
            defer { supervisor.crashNow() }
            return try await CrashRun(settings: settings, simulators: simulators, supervisor: supervisor, state: state).run()
        }
        if passed {
            try? FileManager.default.removeItem(at: state.url)
        } else {
            print("crash test: state directory kept for inspection: \(state.url.path) (gateway log: gateway.log)")
        }
    }
}

/// The knobs of one run, from the environment.
struct CrashRunSettings: Sendable {
    var orders: Int
    var seed: UInt64
    var kills: Int?
    var submitters = 8

    static func fromEnvironment() -> CrashRunSettings {
        let environment = ProcessInfo.processInfo.environment
        return CrashRunSettings(
            orders: environment["AYAT_CRASH_ORDERS"].flatMap { Int($0) }.map { max($0, 1) } ?? 200,
            seed: environment["AYAT_CRASH_SEED"].flatMap { UInt64($0) } ?? UInt64.random(in: 1...999_999_999),
            kills: environment["AYAT_CRASH_KILLS"].flatMap { Int($0) }.map { max($0, 1) }
        )
    }
}

/// SplitMix64: a small seeded generator, so a printed seed replays the same plan.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// One order the test submits: the same body and the same key on every try.
struct PlannedOrder: Sendable {
    let index: Int
    let key: String
    let bank: String
    let account: String
    let amount: Money
    let body: String
    /// The submitter acts as if the first 202 never arrived and sends the order
    /// again: the idempotency path is exercised whatever the kills hit.
    let dropsFirstAnswer: Bool
}

/// An order the gateway answered 202 for.
struct AcceptedOrder: Sendable {
    let planned: PlannedOrder
    let orderID: String
    let messageID: String
}

/// The gateway child across crashes: which process runs now, and where.
final class GatewaySupervisor: @unchecked Sendable {
    private let lock = NSLock()
    private var running: GatewayProcess?
    private var launchCount = 0
    let executable: URL
    let state: StateDirectory
    let log: URL
    let simulators: [SimulatorHost.Endpoint]

    init(executable: URL, state: StateDirectory, log: URL, simulators: [SimulatorHost.Endpoint]) {
        self.executable = executable
        self.state = state
        self.log = log
        self.simulators = simulators
    }

    /// The running gateway, or nil between a crash and the restart.
    var current: GatewayProcess? { lock.withLock { running } }
    /// How many gateways were launched (the first and each restart).
    var launches: Int { lock.withLock { launchCount } }

    /// Launches `ayat serve` and points the banks' callbacks at its new inbound port.
    func start() async throws {
        let gateway = try await GatewayProcess.launch(executable: executable, state: state, log: log)
        for simulator in simulators {
            let code = simulator.bank.configuration.code
            await simulator.bank.setCallbackURL("https://127.0.0.1:\(gateway.inboundPort)\(InboundAPI.resultsPath(for: code))")
        }
        lock.withLock {
            running = gateway
            launchCount += 1
        }
    }

    /// SIGKILLs the running gateway and waits until it is gone.
    func crash() async throws {
        let gateway = lock.withLock {
            defer { running = nil }
            return running
        }
        try await gateway?.crash()
    }

    /// Stops the running gateway with SIGTERM; returns whether it stopped gracefully.
    func stop() async -> Bool {
        let gateway = lock.withLock {
            defer { running = nil }
            return running
        }
        return await gateway?.stop() ?? true
    }

    /// For cleanup paths: SIGKILL, without waiting.
    func crashNow() {
        lock.withLock { running }?.crashNow()
    }
}

/// What the submitters have achieved so far.
actor CrashTally {
    private(set) var accepted: [Int: AcceptedOrder] = [:]
    private(set) var replayed = 0
    private(set) var retried = 0
    private(set) var answersDropped = 0
    private(set) var failures: [String] = []
    private(set) var submissionsFinished = false
    /// Set when the run cannot go on (a gateway would not restart): submitters stop.
    private(set) var abortReason: String?
    private var next = 0

    var acceptedCount: Int { accepted.count }

    func take(below count: Int) -> Int? {
        guard next < count else { return nil }
        defer { next += 1 }
        return next
    }

    func accept(_ order: AcceptedOrder, replayed wasReplayed: Bool) {
        accepted[order.planned.index] = order
        if wasReplayed { replayed += 1 }
    }

    func retry() { retried += 1 }
    func dropAnswer() { answersDropped += 1 }
    func fail(_ reason: String) { failures.append(reason) }
    func finishSubmissions() { submissionsFinished = true }
    func abort(_ reason: String) { abortReason = reason }
}

/// One run: plan, submit under crashes, wait, check.
struct CrashRun: Sendable {
    let settings: CrashRunSettings
    let simulators: [SimulatorHost.Endpoint]
    let supervisor: GatewaySupervisor
    let state: StateDirectory

    struct Kill: Sendable {
        let acceptedBefore: Int
        let duringSubmission: Bool
    }

    /// Returns whether every check passed.
    func run() async throws -> Bool {
        // Each check records an issue as #expect would, and remembers that the run failed.
        var passed = true
        func check(_ condition: Bool, _ message: @autoclosure () -> String, sourceLocation: SourceLocation = #_sourceLocation) {
            guard !condition else { return }
            passed = false
            Issue.record(Comment(rawValue: message()), sourceLocation: sourceLocation)
        }
        var random = SeededGenerator(seed: settings.seed)
        let orders = try await plan(using: &random)
        let killCount = settings.kills ?? Int.random(in: 3...5, using: &random)
        // All kills but the last at random points of the submission; the last once
        // every order is in, while deliveries are still in flight.
        let killPoints = (0..<(killCount - 1)).map { _ in Int.random(in: 1...max(1, orders.count * 19 / 20), using: &random) }.sorted()
        let jitters = (0..<killCount).map { _ in Int.random(in: 0...40, using: &random) }
        let finalKillDelay = Int.random(in: 0...300, using: &random)
        var openingHeld = [String: Int64]()
        for simulator in simulators {
            for account in await simulator.bank.ledger.allAccounts {
                openingHeld["\(simulator.bank.configuration.code)/\(account.number.rawValue)"] = account.held.minorUnits
            }
        }

        let started = ContinuousClock.now
        try await supervisor.start()
        let tally = CrashTally()
        let submissionDeadline = ContinuousClock.now + .seconds(120) + .milliseconds(60 * orders.count)

        // The killer, during submission.
        let killer = Task { () throws -> [Kill] in
            var kills = [Kill]()
            var previous = 0
            do {
                for (point, jitter) in zip(killPoints, jitters) {
                    while await tally.acceptedCount < max(point, previous + 1), !(await tally.submissionsFinished) {
                        try await Task.sleep(for: .milliseconds(5))
                    }
                    try await Task.sleep(for: .milliseconds(jitter))
                    let before = await tally.acceptedCount
                    try await supervisor.crash()
                    kills.append(Kill(acceptedBefore: before, duringSubmission: !(await tally.submissionsFinished)))
                    previous = before
                    try await supervisor.start()
                }
            } catch {
                await tally.abort("the killer stopped: \(error)")
                throw error
            }
            return kills
        }
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<settings.submitters {
                group.addTask {
                    while let index = await tally.take(below: orders.count) {
                        await submit(orders[index], tally: tally, deadline: submissionDeadline)
                    }
                }
            }
        }
        await tally.finishSubmissions()
        var kills = try await killer.value
        let submitted = ContinuousClock.now

        // The last kill: every order is in, some are on their way to the banks.
        try await Task.sleep(for: .milliseconds(finalKillDelay + (jitters.last ?? 0)))
        let acceptedCount = await tally.acceptedCount
        try await supervisor.crash()
        kills.append(Kill(acceptedBefore: acceptedCount, duringSubmission: false))
        try await supervisor.start()
        let lastKill = ContinuousClock.now

        let failures = await tally.failures
        for failure in failures.prefix(10) { Issue.record("submission failed: \(failure)") }
        let accepted = await tally.accepted.values.sorted { $0.planned.index < $1.planned.index }
        let (retried, replayed, dropped) = (await tally.retried, await tally.replayed, await tally.answersDropped)
        print("""
            crash test: \(accepted.count)/\(orders.count) orders accepted in \(submitted - started); \
            \(kills.count) kills (after \(kills.map { "\($0.acceptedBefore)\($0.duringSubmission ? "" : " (all in)")" }.joined(separator: ", ")) accepted), \
            \(supervisor.launches) gateway launches; \(retried) submissions retried, \(dropped) answers dropped on purpose, \(replayed) answered from the idempotency record
            """)
        check(accepted.count == orders.count, "every order must be accepted in the end (\(failures.count) submission(s) failed)")
        check(replayed >= dropped, "every order sent again after a dropped answer must be answered from the idempotency record")

        // Deliveries in flight at a kill stay leased to the dead gateway until the lease runs out.
        let lease = Dispatcher.Settings().leaseDuration
        let deadline = lastKill + .seconds(lease) + .seconds(30) + .milliseconds(25 * orders.count)
        let executions = try await waitUntilExecuted(accepted, deadline: deadline)
        print("crash test: \(executions.count)/\(accepted.count) orders executed \(ContinuousClock.now - lastKill) after the last kill (lease \(Int(lease)) s)")

        let stoppedGracefully = await supervisor.stop()
        check(stoppedGracefully, "the last gateway should stop on SIGTERM")

        // One hold per order: each bank acted on exactly the messages of its orders,
        // each once, and its accounts hold what the gateway reports held (a second effect would show).
        for simulator in simulators {
            let bank = simulator.bank
            let code = bank.configuration.code.rawValue
            let ours = accepted.filter { $0.planned.bank == code }
            let expected = Set(ours.map(\.messageID))
            let answered = Set(await bank.ledger.answeredMessageIDs.map(\.rawValue))
            let holds = await bank.ledger.history.filter { $0.kind == .hold }
            let holdsPerMessage = Dictionary(grouping: holds, by: \.messageID.rawValue)
            let duplicates = await bank.ledger.duplicatesAbsorbed
            print("crash test: bank \(code) (\(bank.configuration.acknowledgement.mode)): \(holds.count) holds for \(ours.count) orders, \(duplicates) resent message(s) absorbed")
            check(duplicates >= 0, "bank \(code): a negative count of absorbed duplicates")
            check(holds.count == ours.count, "bank \(code): \(holds.count) holds for \(ours.count) orders")
            check(Set(holdsPerMessage.keys) == expected, """
                bank \(code): \(expected.subtracting(holdsPerMessage.keys).count) order message(s) without a hold, \
                \(Set(holdsPerMessage.keys).subtracting(expected).count) hold(s) for messages of no accepted order
                """)
            for (message, entries) in holdsPerMessage where entries.count > 1 {
                check(false, "bank \(code): \(entries.count) holds for message \(message)")
            }
            check(answered == expected, "bank \(code): \(answered.count) messages answered for \(expected.count) orders")
            for order in ours {
                guard let reported = executions[order.orderID], let hold = holdsPerMessage[order.messageID]?.first else { continue }
                check(reported == hold.amount.minorUnits, "order \(order.orderID): the gateway reports \(reported) held, the bank holds \(hold.amount.minorUnits)")
            }
            for account in await bank.ledger.allAccounts {
                let number = account.number.rawValue
                let reported = ours.filter { $0.planned.account == number }.reduce(Int64(0)) { $0 + (executions[$1.orderID] ?? 0) }
                let opening = openingHeld["\(code)/\(number)"] ?? 0
                check(account.held.minorUnits - opening == reported,
                        "bank \(code) account …\(number.suffix(4)): holds \(account.held.minorUnits - opening) minor units more than at the start; its executed orders report \(reported)")
            }
        }

        // One order per key: a resubmission whose first answer was lost found the first order.
        let database = try DatabaseQueue(path: state.database.path)
        let (storedOrders, storedKeys) = try await database.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM orders") ?? -1, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM idempotency") ?? -1)
        }
        try database.close()
        let keys = Set(orders.map(\.key))
        print("crash test: the gateway holds \(storedOrders) orders and \(storedKeys) idempotency records for \(keys.count) keys")
        check(storedOrders == keys.count, "the gateway holds \(storedOrders) orders for \(keys.count) distinct Idempotency-Keys")
        check(storedKeys == keys.count, "the gateway holds \(storedKeys) idempotency records for \(keys.count) keys")
        check(Set(accepted.map(\.orderID)).count == accepted.count, "two keys were answered with the same order")

        // Failed submissions and orders not executed were recorded as issues where found.
        if !failures.isEmpty || executions.count != accepted.count { passed = false }
        return passed
    }

    /// Freezes spread over the banks and their accounts, each small enough that
    /// no account runs short (so every hold is exactly what its order asked).
    private func plan(using random: inout SeededGenerator) async throws -> [PlannedOrder] {
        var accountsByBank = [[LedgerAccount]]()
        for simulator in simulators { accountsByBank.append(await simulator.bank.ledger.allAccounts) }
        let target = { (index: Int) -> (bank: Int, account: Int) in
            let bank = index % simulators.count
            return (bank, (index / simulators.count) % accountsByBank[bank].count)
        }
        var perAccount = [String: Int]()
        for index in 0..<settings.orders {
            let (bank, account) = target(index)
            perAccount["\(bank)/\(account)", default: 0] += 1
        }
        let runID = UUID().uuidString.prefix(8)
        return try (0..<settings.orders).map { index in
            let (bankIndex, accountIndex) = target(index)
            let account = accountsByBank[bankIndex][accountIndex]
            let cap = min(999, account.available / Int64(perAccount["\(bankIndex)/\(accountIndex)"]!))
            guard cap >= 1 else { throw CrashRunError(description: "too many orders for the simulated accounts' balances") }
            let amount = Money(minorUnits: Int64.random(in: 1...cap, using: &random), currency: account.balance.currency)
            let code = simulators[bankIndex].bank.configuration.code.rawValue
            return PlannedOrder(
                index: index, key: "crash-\(runID)-\(index)", bank: code, account: account.number.rawValue, amount: amount,
                body: freezeOrderJSON(
                    bank: code, number: account.number.rawValue, holder: account.holder.rawValue,
                    amount: amount.decimalString, caseID: "TH-CASE-CRASH-\(index)"
                ),
                dropsFirstAnswer: index % 20 == 7
            )
        }
    }

    /// Posts one order until the gateway answers 202, retrying lost answers with the same key and body.
    private func submit(_ order: PlannedOrder, tally: CrashTally, deadline: ContinuousClock.Instant) async {
        var droppedAnswer: String?
        while ContinuousClock.now < deadline {
            if let reason = await tally.abortReason {
                await tally.fail("order \(order.index) abandoned: \(reason)")
                return
            }
            guard let gateway = supervisor.current else {
                try? await Task.sleep(for: .milliseconds(20))
                continue
            }
            do {
                var request = HTTPClientRequest(url: gateway.baseURL + "/v1/orders")
                request.method = .POST
                request.headers.add(name: "Content-Type", value: "application/json")
                request.headers.add(name: "Idempotency-Key", value: order.key)
                request.body = .bytes(ByteBuffer(string: order.body))
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(15))
                let body = try await response.body.collect(upTo: 1 << 20)
                let status = Int(response.status.code)
                if status == 202 {
                    let json = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
                    guard let id = json["id"] as? String, let messageID = json["messageId"] as? String else {
                        await tally.fail("order \(order.index): a 202 without id and messageId: \(String(buffer: body))")
                        return
                    }
                    let replayed = response.headers.first(name: "Idempotent-Replayed") == "true"
                    if order.dropsFirstAnswer, droppedAnswer == nil {
                        droppedAnswer = id
                        await tally.dropAnswer()
                        continue
                    }
                    if let droppedAnswer, droppedAnswer != id || !replayed {
                        await tally.fail("order \(order.index): resent after its answer was lost, it came back as \(id) (replayed: \(replayed)), not \(droppedAnswer)")
                        return
                    }
                    await tally.accept(AcceptedOrder(planned: order, orderID: id, messageID: messageID), replayed: replayed)
                    return
                }
                guard status >= 500 else {
                    await tally.fail("order \(order.index) (key \(order.key)): HTTP \(status): \(String(buffer: body))")
                    return
                }
            } catch {
                // The gateway died under the request, or is not up yet: the same key again.
            }
            await tally.retry()
            try? await Task.sleep(for: .milliseconds(20))
        }
        await tally.fail("order \(order.index) (key \(order.key)) was not accepted before the submission deadline")
    }

    /// Polls the orders until every one is `executed`; returns the amount each
    /// executed order reports held. Records an issue for any order that ends
    /// otherwise or is still open at the deadline.
    private func waitUntilExecuted(_ orders: [AcceptedOrder], deadline: ContinuousClock.Instant) async throws -> [String: Int64] {
        var open = Set(orders.map(\.orderID))
        var held = [String: Int64]()
        var lastStates = [String: String]()
        while !open.isEmpty {
            let ids = Array(open)
            let views = await withTaskGroup(of: (String, SendableJSON?).self) { group in
                var views = [(String, SendableJSON?)]()
                var next = 0
                // A few requests at a time: the gateway is busy delivering.
                for _ in 0..<min(8, ids.count) {
                    let id = ids[next]
                    next += 1
                    group.addTask { (id, await fetchOrder(id)) }
                }
                while let view = await group.next() {
                    views.append(view)
                    if next < ids.count {
                        let id = ids[next]
                        next += 1
                        group.addTask { (id, await fetchOrder(id)) }
                    }
                }
                return views
            }
            for (id, view) in views {
                guard let json = view?.value, let status = json["status"] as? String else { continue }
                lastStates[id] = status
                switch status {
                case OrderState.executed.rawValue:
                    let execution = json["execution"] as? [String: Any]
                    let amount = (execution?["amount"] as? [String: Any])?["value"] as? String
                    held[id] = amount.flatMap { Money(decimal: $0, currency: Currency("THB")!)?.minorUnits } ?? -1
                    open.remove(id)
                case OrderState.rejected.rawValue, OrderState.failed.rawValue, OrderState.cancelled.rawValue:
                    Issue.record("order \(id) ended \(status), not executed: \(Self.lastTimelineDetail(json))")
                    open.remove(id)
                default:
                    break
                }
            }
            if open.isEmpty { break }
            if ContinuousClock.now >= deadline {
                let sample = open.prefix(5).map { "\($0) (\(lastStates[$0] ?? "unreadable"))" }.joined(separator: ", ")
                Issue.record("\(open.count) order(s) still not executed at the deadline, e.g. \(sample)")
                break
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        return held
    }

    private func fetchOrder(_ id: String) async -> SendableJSON? {
        guard let gateway = supervisor.current else { return nil }
        do {
            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: gateway.baseURL + "/v1/orders/\(id)"), timeout: .seconds(15))
            let body = try await response.body.collect(upTo: 8 << 20)
            guard response.status.code == 200 else { return nil }
            return ((try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any]).map(SendableJSON.init)
        } catch {
            return nil
        }
    }

    private static func lastTimelineDetail(_ json: [String: Any]) -> String {
        let timeline = json["timeline"] as? [[String: Any]] ?? []
        return timeline.last.map { "\($0["event"] ?? "?"): \($0["detail"] ?? "")" } ?? "no timeline"
    }
}

/// A decoded JSON object passed between tasks (read-only once made).
struct SendableJSON: @unchecked Sendable {
    let value: [String: Any]
    init(_ value: [String: Any]) { self.value = value }
}

struct CrashRunError: Error, CustomStringConvertible {
    let description: String
}
