import AsyncHTTPClient
import Foundation
import NIOCore
import Testing
import AyatCore
import AyatDelivery
import AyatDialects
import AyatPKI
import AyatSandbox
import AyatServer
import AyatSimulator
import AyatStore

/// Every fault a simulated bank can inject, driven through the real gateway:
/// what the gateway does about it, and what the bank reports it did.
@Suite(.serialized) struct SimulatorFaultTests {
    // MARK: HTTP errors

    @Test(arguments: [500, 503])
    func serverErrorsAreRetriedUntilExecuted(status: Int) async throws {
        try await withDeployment { deployment in
            let bank = try #require(deployment.simulators[BankCode("014")!])
            await bank.setFaults(.init(errors: .init(status: status, next: 2)))
            let id = try await submitFreeze(deployment)
            try await waitFor(deployment, order: id) { record, _ in record.state == .executed }
            let attempts = try await attempts(deployment, id)
            #expect(attempts.map(\.httpStatus) == [status, status, 200])
            #expect(attempts.map(\.attempt) == [1, 2, 3])
            #expect(attempts.prefix(2).allSatisfy { $0.outcome == "retry" && $0.detail?.contains("HTTP \(status)") == true })
            let stats = await bank.stats()
            #expect(stats.injected("error-\(status)") == 2)
            #expect(stats.requests == 3)
            #expect(stats.holdsPlaced == 1)
            #expect(await bank.faults().errors == nil, "a counted fault is over once used up")
        }
    }

    @Test func tooManyRequestsWithRetryAfterIsWaitedFor() async throws {
        try await withDeployment { deployment in
            let bank = try #require(deployment.simulators[BankCode("014")!])
            await bank.setFaults(.init(errors: .init(status: 429, retryAfter: 2, next: 1)))
            let id = try await submitFreeze(deployment)
            try await waitFor(deployment, order: id) { record, _ in record.state == .executed }
            let attempts = try await attempts(deployment, id)
            #expect(attempts.map(\.httpStatus) == [429, 200])
            // The second attempt ended no sooner than Retry-After after the first.
            let gap = attempts[1].at.timeIntervalSince(attempts[0].at)
            #expect(gap >= 1.95, "second attempt \(gap) s after the 429")
            #expect(await bank.stats().injected("error-429") == 1)
        }
    }

    // MARK: Connections

    @Test(arguments: ["drop", "reset"])
    func droppedAndResetConnectionsAreRetried(kind: String) async throws {
        try await withDeployment { deployment in
            let bank = try #require(deployment.simulators[BankCode("014")!])
            await bank.setFaults(kind == "drop" ? .init(drop: .next(2)) : .init(reset: .next(2)))
            let id = try await submitFreeze(deployment)
            let record = try await waitFor(deployment, order: id) { record, _ in record.state == .executed }
            let attempts = try await attempts(deployment, id)
            #expect(attempts.count == 3)
            #expect(attempts.prefix(2).allSatisfy { $0.httpStatus == nil && $0.outcome == "retry" && $0.detail?.contains("transport") == true })
            #expect(attempts.last?.httpStatus == 200)
            #expect(await bank.stats().injected(kind) == 2)
            try await expectOneHold(bank, account: "1402339876", record)
        }
    }

    @Test func readTimeoutsAreRetried() async throws {
        // The gateway waits 1 s for an answer; the bank holds the first request for 8 s.
        var configuration = try shippedBank("014")
        configuration.faults = SimulatorFaults(hang: .init(seconds: 8, next: 1))
        try await withStandaloneBank(configuration, profile: { $0.timeouts.request = 1 }) { deployment, endpoint in
            let started = Date()
            let id = try await submitFreeze(deployment)
            try await waitFor(deployment, order: id) { record, _ in record.state == .executed }
            let attempts = try await attempts(deployment, id)
            #expect(attempts.count == 2)
            let gaveUp = try #require(attempts.first).at.timeIntervalSince(started)
            #expect(gaveUp < 5, "the gateway gave up on the held request after \(gaveUp) s instead of at its 1 s timeout")
            #expect(attempts.first?.httpStatus == nil)
            #expect(attempts.first?.detail?.contains("transport") == true)
            let stats = await endpoint.bank.stats()
            #expect(stats.injected("hang") == 1)
            #expect(stats.holdsPlaced == 1)
        }
    }

    // MARK: Damaged replies

    @Test(arguments: SimulatorFaults.Damage.allCases, ["014", "025", "006"])
    func damagedRepliesAreNotAcknowledgementsAndAreRetried(damage: SimulatorFaults.Damage, code: String) async throws {
        try await withDeployment { deployment in
            let configuration = try shippedBank(code)
            let bank = try #require(deployment.simulators[configuration.code])
            // The first answer (the order's reply) is damaged; the resend is answered properly.
            await bank.setFaults(.init(reply: .init(damage: damage, next: 1)))
            let account = configuration.accounts[0]
            let id = try await submitFreeze(deployment, bank: code, number: account.number, holder: account.holder)
            let record = try await waitFor(deployment, order: id) { record, _ in record.state == .executed }
            let attempts = try await attempts(deployment, id)
            let first = try #require(attempts.first)
            #expect(first.outcome == "untrusted-reply", "\(damage) at \(code): \(first.detail ?? "")")
            #expect(first.httpStatus == 200)
            if damage == .brokenSignature || damage == .prettyPrinted {
                // The message still parses: it is the signature that fails, not the reading.
                #expect(first.detail?.contains("does not verify") == true, "\(damage) at \(code): \(first.detail ?? "")")
            }
            #expect(first.state != .acknowledged && first.state != .executed, "a damaged reply acknowledged the order")
            #expect(attempts.dropFirst().contains { $0.outcome == "executed" || $0.outcome == "acknowledged" })
            let stats = await bank.stats()
            #expect(stats.injected(damage.rawValue) == 1)
            #expect(stats.duplicatesAbsorbed >= 1)
            try await expectOneHold(bank, account: account.number, record)
        }
    }

    @Test(arguments: SimulatorFaults.Damage.allCases)
    func damagedCallbacksAreRefusedUntilTheBankSendsAGoodOne(damage: SimulatorFaults.Damage) async throws {
        try await withDeployment { deployment in
            let bank = try #require(deployment.simulators[BankCode("004")!])
            await bank.setFaults(.init(callbacks: .init(damage: damage)))
            let id = try await submitFreeze(deployment, bank: "004", number: "0048812230", holder: "ประเสริฐ มั่นคง")
            try await eventually("the gateway refused a damaged callback") { await bank.stats().callbacksRefused >= 1 }
            #expect(try await deployment.gateway.store.order(id)?.state == .acknowledged, "a damaged result must not execute the order")
            await bank.setFaults(.init())
            let record = try await waitFor(deployment, order: id) { record, _ in record.state.isTerminal }
            #expect(record.state == .executed)
            let stats = await bank.stats()
            #expect(stats.injected("callback-\(damage.rawValue)") >= 1)
            #expect(stats.callbacksRefused >= 1)
            #expect(stats.holdsPlaced == 1)
        }
    }

    // MARK: Callbacks late, twice, out of order

    @Test func duplicatedCallbacksEndInOneExecutionAndOneHold() async throws {
        try await withDeployment { deployment in
            let bank = try #require(deployment.simulators[BankCode("004")!])
            await bank.setFaults(.init(callbacks: .init(duplicate: true)))
            let id = try await submitFreeze(deployment, bank: "004", number: "0048812230", holder: "ประเสริฐ มั่นคง")
            try await waitFor(deployment, order: id) { record, _ in record.state == .executed }
            try await eventually("the duplicate was sent") { await bank.stats().callbacksSent >= 2 }
            #expect(await bank.stats().injected("callback-duplicate") == 1)
            let record = try #require(try await deployment.gateway.store.order(id))
            #expect(record.state == .executed)
            #expect(try await deployment.gateway.store.timeline(of: id).filter { $0.event == "executed" }.count == 1)
            try await expectOneHold(bank, account: "0048812230", record)
        }
    }

    @Test func aResultBeforeItsReceiptEndsExecuted() async throws {
        try await withDeployment { deployment in
            let bank = try #require(deployment.simulators[BankCode("004")!])
            await bank.setFaults(.init(callbacks: .init(beforeReceipt: true)))
            let id = try await submitFreeze(deployment, bank: "004", number: "0048812230", holder: "ประเสริฐ มั่นคง")
            // Both must have arrived: the result (sent first) and the receipt (the order's own reply).
            try await waitFor(deployment, order: id) { record, timeline in
                record.state == .executed && timeline.contains { $0.event == "attempt" && $0.httpStatus == 200 }
            }
            let record = try #require(try await deployment.gateway.store.order(id))
            #expect(record.state == .executed, "the late receipt moved the order back")
            #expect(await bank.stats().injected("callback-before-receipt") == 1)
            try await expectOneHold(bank, account: "0048812230", record)
        }
    }

    @Test func aLateCallbackStillExecutesTheOrder() async throws {
        try await withDeployment { deployment in
            let bank = try #require(deployment.simulators[BankCode("004")!])
            await bank.setFaults(.init(callbacks: .init(delay: 1.5)))
            let id = try await submitFreeze(deployment, bank: "004", number: "0048812230", holder: "ประเสริฐ มั่นคง")
            try await waitFor(deployment, order: id) { record, _ in record.state == .executed }
            let timeline = try await deployment.gateway.store.timeline(of: id)
            let acknowledged = try #require(timeline.first { $0.event == "acknowledged" })
            let executed = try #require(timeline.first { $0.event == "executed" })
            #expect(executed.at.timeIntervalSince(acknowledged.at) >= 1.5)
            #expect(await bank.stats().injected("callback-late") == 1)
        }
    }

    // MARK: Slow and down

    @Test func latencyDelaysTheReplyButNotTheOutcome() async throws {
        try await withDeployment { deployment in
            let bank = try #require(deployment.simulators[BankCode("014")!])
            await bank.setFaults(.init(latency: .init(fixedMs: 400, jitterMs: 100)))
            let sent = Date()
            let id = try await submitFreeze(deployment)
            try await waitFor(deployment, order: id) { record, _ in record.state == .executed }
            let attempts = try await attempts(deployment, id)
            #expect(attempts.count == 1)
            #expect(try #require(attempts.first).at.timeIntervalSince(sent) >= 0.4)
            #expect(await bank.stats().injected("latency") == 1)
        }
    }

    @Test func aBankDownForAWhileIsReachedAfterItRecovers() async throws {
        try await withDeployment { deployment in
            let bank = try #require(deployment.simulators[BankCode("014")!])
            await bank.setFaults(.init(down: .init(seconds: 1.5)))
            let downSince = Date()
            let id = try await submitFreeze(deployment)
            try await waitFor(deployment, order: id) { record, _ in record.state == .executed }
            let attempts = try await attempts(deployment, id)
            #expect(attempts.count >= 2)
            #expect(attempts.dropLast().allSatisfy { $0.httpStatus == 503 })
            #expect(try #require(attempts.last).at.timeIntervalSince(downSince) >= 1.5)
            let stats = await bank.stats()
            #expect(stats.injected("down") == attempts.count - 1)
            #expect(stats.downUntil != nil)
        }
    }

    @Test func aBankDownForTheNextRequestsAnswersTheOneAfter() async throws {
        try await withDeployment { deployment in
            let bank = try #require(deployment.simulators[BankCode("025")!])
            await bank.setFaults(.init(down: .init(requests: 2)))
            let id = try await submitFreeze(deployment, bank: "025", number: "0251234567", holder: "ชยพล วงศ์ใหญ่")
            try await waitFor(deployment, order: id) { record, _ in record.state == .executed }
            #expect(try await attempts(deployment, id).map(\.httpStatus) == [503, 503, 200])
            #expect(await bank.stats().injected("down") == 2)
        }
    }

    // MARK: TLS

    @Test(arguments: SimulatorFaults.TLSFault.allCases)
    func aBadServerCertificateIsRefusedAndTheOrderStaysOpen(fault: SimulatorFaults.TLSFault) async throws {
        var banks = try LocalDeployment.shippedBanks()
        let index = try #require(banks.firstIndex { $0.code.rawValue == "014" })
        banks[index].faults = SimulatorFaults(tls: fault)
        try await withDeployment(banks: banks) { deployment in
            let bank = try #require(deployment.simulators[BankCode("014")!])
            #expect(bank.faultyServerCertificate?.lastPathComponent == "tls-\(fault.rawValue).pem")
            let id = try await submitFreeze(deployment)
            let record = try await waitFor(deployment, order: id) { _, timeline in
                timeline.filter { $0.event == "attempt" }.count >= 2
            }
            #expect(record.state == .accepted, "the gateway must not send to a bank whose certificate it refuses")
            let attempts = try await attempts(deployment, id)
            #expect(attempts.allSatisfy { $0.httpStatus == nil && $0.outcome == "retry" && $0.detail?.contains("transport") == true })
            #expect(await bank.requestCount() == 0, "no request may pass a refused handshake")
            #expect(await bank.ledger.account(AccountNumber("1402339876")!)?.held.minorUnits == 0)
            #expect(await bank.ledger.holdsPlaced == 0)
        }
    }

    // MARK: Scenario files and the control API

    @Test func faultsFromAScenarioFileAreInForceFromTheStart() async throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "ayat-scenario-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = try String(contentsOf: SimulatedBankConfiguration.shippedDirectory.appending(path: "014-chao-phraya.yaml"), encoding: .utf8)
        try (text + """

            faults:
              seed: 7
              errors: { status: 503, next: 1 }
              reply: { damage: pretty-printed, next: 1 }
            """).write(to: directory.appending(path: "014.yaml"), atomically: true, encoding: .utf8)
        var banks = try LocalDeployment.shippedBanks().filter { $0.code.rawValue != "014" }
        banks.append(try SimulatedBankConfiguration.load(from: directory.appending(path: "014.yaml")))
        let configured = try #require(banks.last?.faults)
        #expect(configured.errors == .init(status: 503, next: 1))
        #expect(configured.reply == .init(damage: .prettyPrinted, next: 1))
        try await withDeployment(banks: banks) { deployment in
            let bank = try #require(deployment.simulators[BankCode("014")!])
            let id = try await submitFreeze(deployment)
            try await waitFor(deployment, order: id) { record, _ in record.state == .executed }
            #expect(try await attempts(deployment, id).map(\.outcome) == ["retry", "untrusted-reply", "executed"])
            let stats = await bank.stats()
            #expect(stats.injected("error-503") == 1)
            #expect(stats.injected("pretty-printed") == 1)
        }
    }

    @Test func aBadFaultInAScenarioFileIsNamedByFileAndField() throws {
        let file = FileManager.default.temporaryDirectory.appending(path: "ayat-bad-scenario-\(UUID().uuidString).yaml")
        defer { try? FileManager.default.removeItem(at: file) }
        try """
            code: "099"
            name: Broken Faults Bank
            dialect: xml-enveloped
            accounts: []
            faults:
              errors: { status: 200, next: 1 }
            """.write(to: file, atomically: true, encoding: .utf8)
        let error = try #require(throws: ConfigurationError.self) { try SimulatedBankConfiguration.load(from: file) }
        #expect(error.file == file.path)
        #expect(error.field == "faults.errors.status")
        #expect(error.reason.contains("400-599"))
    }

    @Test func theControlAPISetsFaultsAndReportsStatsAndTheLedger() async throws {
        let configuration = try shippedBank("014")
        try await withStandaloneBank(configuration) { deployment, endpoint in
            // Faults set over HTTP act on the gateway's next request.
            let put = try await control(endpoint, "PUT", "/faults", body: #"{"errors":{"status":503,"retryAfter":0,"next":1},"seed":3}"#)
            #expect(put.status == 200)
            #expect(await endpoint.bank.faults().errors == .init(status: 503, retryAfter: 0, next: 1))
            let shown = try await control(endpoint, "GET", "/faults")
            #expect(shown.text.contains("\"status\" : 503"))

            let id = try await submitFreeze(deployment)
            try await waitFor(deployment, order: id) { record, _ in record.state == .executed }
            #expect(try await attempts(deployment, id).map(\.httpStatus) == [503, 200])

            let stats = try JSONDecoder().decode(SimulatorStats.self, from: Data(try await control(endpoint, "GET", "/stats").body))
            #expect(stats.bank == "014")
            #expect(stats.requests == 2)
            #expect(stats.injected("error-503") == 1)
            #expect(stats.holdsPlaced == 1)

            let ledger = try JSONDecoder().decode(LedgerView.self, from: Data(try await control(endpoint, "GET", "/ledger").body))
            let account = try #require(ledger.accounts.first { $0.number == "1402339876" })
            #expect(account.holder == "สมชาย ใจดี")
            #expect(account.held != "0.00")
            #expect(account.transfers.count == 2)
            #expect(ledger.history.map(\.kind) == ["hold"])

            // A bad setting is refused with the field named, and changes nothing.
            let refused = try await control(endpoint, "PUT", "/faults", body: #"{"drop":{"rate":2}}"#)
            #expect(refused.status == 400)
            #expect(refused.text.contains("faults.drop.rate"))
            let cleared = try await control(endpoint, "PUT", "/faults", body: "{}")
            #expect(cleared.status == 200)
            #expect(await endpoint.bank.faults() == SimulatorFaults())
        }
    }

    @Test func randomFaultsRepeatForTheSameSeed() async throws {
        try await withDeployment { deployment in
            let bank = try #require(deployment.simulators[BankCode("014")!])
            // Seed 7 draws 0.39, 0.02, 0.90, …: with a rate of 0.5, two errors and then an answer, every time.
            let faults = SimulatorFaults(seed: 7, errors: .init(status: 503, rate: 0.5))
            var runs = [[Int?]]()
            for (number, holder) in [("1402339876", "สมชาย ใจดี"), ("1409912345", "วิภาวดี ศรีสุข")] {
                await bank.setFaults(faults)
                let id = try await submitFreeze(deployment, number: number, holder: holder)
                try await waitFor(deployment, order: id) { record, _ in record.state == .executed }
                runs.append(try await attempts(deployment, id).map(\.httpStatus))
            }
            #expect(runs == [[503, 503, 200], [503, 503, 200]])
            #expect(await bank.stats().injected("error-503") == 4)
        }
    }
}

// MARK: Helpers

let fastSettings: Dispatcher.Settings = {
    var settings = Dispatcher.Settings()
    settings.idlePoll = .milliseconds(100)
    return settings
}()

func shippedBank(_ code: String) throws -> SimulatedBankConfiguration {
    try #require(try LocalDeployment.shippedBanks().first { $0.code.rawValue == code })
}

/// Submits a freeze order (by default for 014's first account) and returns its id.
func submitFreeze(
    _ deployment: LocalDeployment, bank: String = "014", number: String = "1402339876", holder: String = "สมชาย ใจดี"
) async throws -> OrderID {
    let reply = try await post(deployment, "/v1/orders", body: freezeOrderJSON(bank: bank, number: number, holder: holder))
    #expect(reply.status == 202, "\(reply.json)")
    return OrderID(rawValue: try #require(reply.json["id"] as? String))
}

/// The bank placed exactly one hold on `account`, the amount the order's execution reports.
func expectOneHold(_ bank: SimulatedBank, account number: String, _ record: OrderRecord, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    let view = await bank.ledger.view(bank: bank.configuration.code)
    let holds = view.history.filter { $0.kind == "hold" && $0.account == number }
    #expect(holds.count == 1, "holds on \(number): \(view.history)", sourceLocation: sourceLocation)
    let executed = try #require(record.execution?.amount, sourceLocation: sourceLocation)
    #expect(executed.minorUnits > 0, sourceLocation: sourceLocation)
    #expect(holds.first?.amount == executed.decimalString, sourceLocation: sourceLocation)
    #expect(view.accounts.first { $0.number == number }?.held == executed.decimalString, sourceLocation: sourceLocation)
}

/// The order's delivery attempts (sends and polls), in order.
func attempts(_ deployment: LocalDeployment, _ id: OrderID) async throws -> [TimelineEntry] {
    try await deployment.gateway.store.timeline(of: id).filter { $0.event == "attempt" }
}

/// Polls `condition` until it holds, failing after `timeout`.
func eventually(_ what: String, timeout: Duration = .seconds(20), _ condition: @Sendable () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    throw TimedOut(description: "\(what): not within \(timeout)")
}

/// One bank run on its own (as `ayat simulate` runs it), reached by the gateway
/// through a profile written for it, beside the other shipped banks.
func withStandaloneBank<T: Sendable>(
    _ configuration: SimulatedBankConfiguration, profile adjust: @Sendable (inout BankProfile) -> Void = { _ in },
    _ body: @Sendable (LocalDeployment, SimulatorHost.Endpoint) async throws -> T
) async throws -> T {
    try await withTemporaryState { state in
        let others = try LocalDeployment.shippedBanks().filter { $0.code != configuration.code }
        try state.create()
        try DevPKI.generate(in: state.pki.directory, banks: (others + [configuration]).map(\.code.rawValue))
        let bank = try SimulatedBank(configuration: configuration, pki: state.pki, logger: testLogger)
        return try await SimulatorHost.run(banks: [bank], logger: testLogger) { endpoints in
            let endpoint = endpoints[0]
            var profile = state.devBankProfile(code: configuration.code, name: configuration.name, dialect: configuration.dialect, endpoint: endpoint.messagesURL)
            let mode = configuration.acknowledgement.mode
            profile.ack = .init(mode: mode, pollInterval: mode == "poll" ? 0.2 : nil, statusEndpoint: mode == "poll" ? endpoint.statusURLTemplate : nil)
            adjust(&profile)
            try YAMLFile.write(profile, to: state.banksDirectory.appending(path: "\(configuration.code).yaml"))
            return try await LocalDeployment.run(state: state, banks: others, logger: testLogger, dispatcherSettings: fastSettings) { deployment in
                // Callbacks go to the same inbound endpoint as the other banks', under this bank's path.
                if let any = deployment.simulators.values.first, let url = await any.callbackURL(), let port = URLComponents(string: url)?.port {
                    await bank.setCallbackURL("https://127.0.0.1:\(port)\(InboundAPI.resultsPath(for: configuration.code))")
                }
                return try await body(deployment, endpoint)
            }
        }
    }
}

struct ControlReply: Sendable {
    let status: Int
    let body: [UInt8]
    var text: String { String(decoding: body, as: UTF8.self) }
}

/// One request to a simulated bank's control API.
func control(_ endpoint: SimulatorHost.Endpoint, _ method: String, _ path: String, body: String? = nil) async throws -> ControlReply {
    var request = HTTPClientRequest(url: endpoint.controlURL + path)
    request.method = .RAW(value: method)
    if let body {
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: body))
    }
    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
    let bytes = try await response.body.collect(upTo: 1 << 20)
    return ControlReply(status: Int(response.status.code), body: Array(bytes.readableBytesView))
}
