import ArgumentParser
import AsyncHTTPClient
import Foundation
import AyatCore
import AyatSandbox
import AyatServer
import NIOCore

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the gateway and simulated banks on loopback and send sample freeze orders through the API.",
        discussion: """
            One process, 127.0.0.1 only: generates the dev PKI, starts the simulated banks \
            (mutual TLS, their own signing keys) and the gateway, submits sample freeze orders \
            over HTTP (one deliberately invalid), shows their progress, and exits 0 once every \
            valid order is executed, as reported in a verified signed result. Inspect the state \
            afterwards with `ayat orders list --state DIR`.
            """
    )

    @Option(help: ArgumentHelp("State directory to use and keep (default: a new temporary directory).", valueName: "DIR"))
    var state: String?

    @Option(help: ArgumentHelp("Seconds to wait for the orders to be executed.", valueName: "SECONDS"))
    var timeout: Double = 60

    func run() async throws {
        let directory = StateDirectory(URL(fileURLWithPath: state ?? FileManager.default.temporaryDirectory
            .appending(path: "ayat-demo-\(UUID().uuidString.prefix(8))").path))
        let banks = try LocalDeployment.shippedBanks()
        print("Ayat demo · state \(directory.url.path)")
        print("Starting \(banks.count) simulated banks (\(banks.map { "\($0.code) \($0.name)" }.joined(separator: ", "))) and the gateway on 127.0.0.1…")

        let logger = Console.logger("ayat.demo")
        let timeout = self.timeout
        let allExecuted = try await LocalDeployment.run(state: directory, banks: banks, logger: logger) { deployment in
            print("Gateway API on \(deployment.apiBaseURL) · every bank over mutual TLS, every message signed in the bank's dialect")
            for bank in banks {
                print("  bank \(bank.code)  \(bank.dialect)  ack \(bank.acknowledgement.mode)  \(bank.name)")
            }
            print("")
            let client = APIClient(baseURL: deployment.apiBaseURL)
            var submitted = [DemoRow]()
            for sample in DemoOrders.samples(banks: banks) {
                let reply = try await client.submit(sample.body, idempotencyKey: sample.key)
                if reply.status == 202, let id = reply.json?["id"] as? String {
                    submitted.append(DemoRow(id: id, label: sample.label, bank: sample.bank))
                } else {
                    print("✗ \(sample.label): HTTP \(reply.status) \(reply.headers["content-type"] ?? "")")
                    print("  \(reply.json?["detail"] as? String ?? String(decoding: reply.body, as: UTF8.self))\n")
                }
            }
            let table = StatusTable(rows: submitted, live: Console.isTerminal)
            let deadline = Date().addingTimeInterval(timeout)
            while true {
                for index in table.rows.indices {
                    let reply = try await client.get("/v1/orders/\(table.rows[index].id)")
                    table.rows[index].update(from: reply.json ?? [:])
                }
                table.draw()
                let open = table.rows.filter { !OrderState(rawValue: $0.status).isTerminal }
                if open.isEmpty || Date() > deadline { break }
                try await Task.sleep(for: .milliseconds(200))
            }
            table.finish()
            return table.rows.allSatisfy { $0.status == OrderState.executed.rawValue }
        }
        if allExecuted {
            print("\nEvery valid order was executed, each step proven by a signed message verified against the bank's pinned certificate.")
            print("Inspect: swift run ayat orders list --state \(directory.url.path)")
        } else {
            throw CommandFailure("not every valid order was executed within \(Int(timeout)) s")
        }
    }
}

/// One submitted order as the demo shows it.
struct DemoRow: Sendable {
    let id: String
    let label: String
    let bank: String
    var status = "accepted"
    var attempts = 0
    var deadlineState = ""
    var result = ""

    mutating func update(from json: [String: Any]) {
        status = json["status"] as? String ?? status
        deadlineState = json["deadlineState"] as? String ?? deadlineState
        let timeline = json["timeline"] as? [[String: Any]] ?? []
        attempts = timeline.filter { ["attempt", "poll"].contains($0["event"] as? String ?? "") }.count
        if let execution = json["execution"] as? [String: Any] {
            let amount = (execution["amount"] as? [String: Any]).map { "\($0["value"] ?? "") \($0["currency"] ?? "")" } ?? ""
            let onward = (execution["onwardTransfers"] as? [[String: Any]])?.count ?? 0
            result = "held \(amount)" + (onward > 0 ? ", \(onward) onward transfer(s)" : "")
        } else if let last = timeline.last(where: { ["rejected", "failed"].contains($0["event"] as? String ?? "") }) {
            result = last["detail"] as? String ?? ""
        } else if status == OrderState.acknowledged.rawValue {
            result = "awaiting the bank's result"
        }
    }
}

/// A table of orders redrawn in place on a terminal, printed once otherwise.
final class StatusTable: @unchecked Sendable {
    var rows: [DemoRow]
    private let live: Bool
    private var drawnLines = 0
    private var lastPrinted = ""

    init(rows: [DemoRow], live: Bool) {
        self.rows = rows
        self.live = live
    }

    private func render() -> [String] {
        let header = ["ORDER", "SAMPLE", "BANK", "STATUS", "TRIES", "DEADLINE", "RESULT"]
        let body = rows.map { [$0.id, $0.label, $0.bank, $0.status, String($0.attempts), $0.deadlineState, $0.result] }
        let widths = header.indices.map { column in ([header] + body).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }
        return [line(header), line(widths.map { String(repeating: "─", count: $0) })] + body.map(line)
    }

    func draw() {
        let lines = render()
        if live {
            if drawnLines > 0 { print("\u{1B}[\(drawnLines)A", terminator: "") }
            for line in lines { print("\u{1B}[2K" + line) }
            drawnLines = lines.count
        } else {
            // Not a terminal: print a row only when its status changes.
            let summary = rows.map { "\($0.id) \($0.status)" }.joined(separator: ",")
            if summary != lastPrinted {
                for row in rows { print("\(Timestamp.format(Date()))  \(row.id)  \(row.label)  \(row.status)") }
                lastPrinted = summary
            }
        }
    }

    func finish() {
        if !live {
            print("")
            for line in render() { print(line) }
        }
    }
}

/// A minimal client of the gateway's API for the demo.
struct APIClient: Sendable {
    let baseURL: String

    struct Reply: @unchecked Sendable {
        let status: Int
        let headers: [String: String]
        let body: [UInt8]
        var json: [String: Any]? { try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] }
    }

    func submit(_ body: String, idempotencyKey: String?) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + "/v1/orders")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let idempotencyKey { request.headers.add(name: "Idempotency-Key", value: idempotencyKey) }
        request.body = .bytes(ByteBuffer(string: body))
        return try await execute(request)
    }

    func get(_ path: String) async throws -> Reply {
        try await execute(HTTPClientRequest(url: baseURL + path))
    }

    private func execute(_ request: HTTPClientRequest) async throws -> Reply {
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 4 << 20)
        return Reply(
            status: Int(response.status.code),
            headers: Dictionary(response.headers.map { ($0.name.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first }),
            body: Array(body.readableBytesView)
        )
    }
}
