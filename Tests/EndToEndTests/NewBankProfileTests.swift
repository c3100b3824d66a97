import AsyncHTTPClient
import Foundation
import Testing
import AyatCore
import AyatPKI
import AyatSandbox
import AyatServer
import AyatSimulator

/// A bank joins by files alone: a simulator scenario and a gateway profile
/// for a dialect Ayat already speaks, and no code.
@Suite struct NewBankProfileTests {
    @Test func aBankAddedByAProfileFileReachesExecuted() async throws {
        try await withTemporaryState { state in
            let scenario = state.url.appending(path: "scenarios/031-mekong.yaml")
            try FileManager.default.createDirectory(at: scenario.deletingLastPathComponent(), withIntermediateDirectories: true)
            try """
                code: "031"
                name: Mekong Simulated Bank
                dialect: jws-detached
                ack:
                  mode: poll
                  executionDelay: 0.2
                accounts:
                  - number: "0317654321"
                    holder: สุดารัตน์ ริมโขง
                    balance: "48000.00"
                    transfers:
                      - { toBank: "014", toAccount: "1409912345", toHolder: วิภาวดี ศรีสุข, amount: "12000.00", reference: "TRX031000001" }
                """.write(to: scenario, atomically: true, encoding: .utf8)
            let configuration = try SimulatedBankConfiguration.load(from: scenario)
            let shipped = try LocalDeployment.shippedBanks()
            try state.create()
            try DevPKI.generate(in: state.pki.directory, banks: (shipped + [configuration]).map(\.code.rawValue))
            let bank = try SimulatedBank(configuration: configuration, pki: state.pki, logger: testLogger)

            try await SimulatorHost.run(banks: [bank], logger: testLogger) { endpoints in
                let port = endpoints[0].port
                try FileManager.default.createDirectory(at: state.banksDirectory, withIntermediateDirectories: true)
                // The profile a bank integration team would write: nothing here is code.
                try """
                    code: "031"
                    name: Mekong Bank
                    endpoint: https://127.0.0.1:\(port)/ayat/v1/messages
                    dialect: jws-detached
                    signing:
                      certificates: [pki/banks/031/signing.pem]
                    tls:
                      trustRoots: pki/banks/031/ca.pem
                    ack:
                      mode: poll
                      pollInterval: 0.2
                      statusEndpoint: https://127.0.0.1:\(port)/ayat/v1/messages/{messageId}/result
                    retry: { initialDelay: 0.2, maxDelay: 2 }
                    timeouts: { connect: 2, request: 5 }
                    """.write(to: state.banksDirectory.appending(path: "031.yaml"), atomically: true, encoding: .utf8)

                try await LocalDeployment.run(state: state, banks: shipped, logger: testLogger, dispatcherSettings: fastSettings) { deployment in
                    let checked = await BankCheck.run(state: state)
                    let line = try #require(checked.first { $0.file == "banks/031.yaml" })
                    #expect(line.ok, "\(line.text)")
                    #expect(line.text.contains("jws-detached"))

                    let id = try await submitFreeze(deployment, bank: "031", number: "0317654321", holder: "สุดารัตน์ ริมโขง")
                    let record = try await waitFor(deployment, order: id) { record, _ in record.state.isTerminal }
                    #expect(record.state == .executed)
                    #expect(record.execution?.amount?.minorUnits == 1_500_000)
                    #expect(record.execution?.onwardTransfers.first?.to == BankCode("014"))
                    let timeline = try await deployment.gateway.store.timeline(of: id)
                    #expect(timeline.contains { $0.event == "attempt" && $0.outcome == "acknowledged" }, "a poll bank acknowledges first")

                    let ledger = await bank.ledger.view(bank: configuration.code)
                    let account = try #require(ledger.accounts.first { $0.number == "0317654321" })
                    #expect(account.held == "15000.00")
                    #expect(account.available == "33000.00")
                    #expect(ledger.history.map(\.kind) == ["hold"])
                }
            }
        }
    }

    @Test func aBankRunByAyatSimulateIsReachedThroughTheProfileItWrote() async throws {
        guard let executable = GatewayProcess.executable() else {
            Issue.record("the ayat executable was not found beside the test binary: build it (swift build --build-tests) or set AYAT_EXECUTABLE")
            return
        }
        try await withTemporaryState { state in
            let shipped = try LocalDeployment.shippedBanks()
            try state.create()
            try DevPKI.generate(in: state.pki.directory, banks: shipped.map(\.code.rawValue))
            let others = shipped.filter { $0.code.rawValue != "025" }

            let process = Process()
            process.executableURL = executable
            process.arguments = [
                "simulate", "--state", state.url.path,
                "--config", SimulatedBankConfiguration.shippedDirectory.appending(path: "025-ayutthaya.yaml").path,
                "--write-profiles", "--error-next", "1", "--error-status", "503", "--retry-after", "0",
            ]
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            let printed = PrintedLines(output.fileHandleForReading)
            try process.run()
            defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

            let announcement = try await printed.first(containing: "bank 025", timeout: .seconds(180))
            #expect(announcement.contains("jws-header"))
            #expect(announcement.contains("server cert pki/banks/025/tls.pem"))
            let control = try #require(announcement.range(of: #"control http://127\.0\.0\.1:\d+"#, options: .regularExpression)
                .map { String(announcement[$0].dropFirst("control ".count)) })
            #expect(FileManager.default.fileExists(atPath: state.banksDirectory.appending(path: "025.yaml").path))

            try await LocalDeployment.run(state: state, banks: others, logger: testLogger, dispatcherSettings: fastSettings) { deployment in
                let id = try await submitFreeze(deployment, bank: "025", number: "0251234567", holder: "ชยพล วงศ์ใหญ่")
                let record = try await waitFor(deployment, order: id) { record, _ in record.state.isTerminal }
                #expect(record.state == .executed)
                #expect(try await attempts(deployment, id).map(\.httpStatus) == [503, 200], "the --error-next 1 fault answered first")

                let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: control + "/stats"), timeout: .seconds(10))
                let stats = try JSONDecoder().decode(SimulatorStats.self, from: Data(try await response.body.collect(upTo: 1 << 20).readableBytesView))
                #expect(stats.injected("error-503") == 1)
                #expect(stats.holdsPlaced == 1)
            }

            kill(process.processIdentifier, SIGTERM)
            _ = try await printed.first(containing: "Stopping the simulated banks", timeout: .seconds(20))
            let deadline = ContinuousClock.now + .seconds(20)
            while process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
            #expect(!process.isRunning, "ayat simulate did not stop on SIGTERM")
            if !process.isRunning { #expect(process.terminationStatus == 0) }
        }
    }
}

/// What a child process prints, line by line, kept for looking back.
final class PrintedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var buffer = ""
    private var lines = [String]()

    init(_ handle: FileHandle) {
        handle.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil }
            self?.append(String(decoding: data, as: UTF8.self))
        }
    }

    private func append(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        buffer += text
        while let newline = buffer.firstIndex(of: "\n") {
            lines.append(String(buffer[..<newline]))
            buffer.removeSubrange(...newline)
        }
    }

    private func line(containing text: String) -> String? {
        lock.lock()
        defer { lock.unlock() }
        return lines.first { $0.contains(text) }
    }

    /// The first line containing `text`, waiting for it up to `timeout`.
    func first(containing text: String, timeout: Duration) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = line(containing: text) { return line }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TimedOut(description: "no line containing \"\(text)\" within \(timeout); printed: \(lines.suffix(5))")
    }
}
