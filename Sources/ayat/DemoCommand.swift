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
        abstract: "Follow a scam's money across simulated banks: freeze every hop, then refund the victim.",
        discussion: """
            One process, 127.0.0.1 only: generates the dev PKI, starts the simulated banks \
            (mutual TLS, their own signing keys, four dialects, three acknowledgement modes) and the \
            gateway. A victim reports a transfer; Ayat freezes the first mule account and chases the \
            money on through three banks in three dialects, showing the case's trail live; then it \
            refunds the victim from the held funds. One more freeze goes to the fourth bank and one \
            invalid order shows the API's problem report. Exits 0 once every hop is frozen and every \
            refund executed, each step proven by a signed message verified against a pinned certificate.
            """
    )

    @Option(help: ArgumentHelp("State directory to use and keep (default: a new temporary directory).", valueName: "DIR"))
    var state: String?

    @Option(help: ArgumentHelp("Seconds to wait for each stage.", valueName: "SECONDS"))
    var timeout: Double = 60

    func run() async throws {
        let directory = StateDirectory(URL(fileURLWithPath: state ?? FileManager.default.temporaryDirectory
            .appending(path: "ayat-demo-\(UUID().uuidString.prefix(8))").path))
        let banks = try LocalDeployment.shippedBanks()
        print("Ayat demo · state \(directory.url.path)")
        print("Starting \(banks.count) simulated banks and the gateway on 127.0.0.1…")

        let logger = Console.logger("ayat.demo")
        let timeout = self.timeout
        let story = DemoStory.shipped
        let outcome = try await LocalDeployment.run(state: directory, banks: banks, logger: logger) { deployment in
            print("Gateway API on \(deployment.apiBaseURL) · mutual TLS to every bank, every message signed in the bank's dialect")
            for bank in banks {
                print("  bank \(bank.code)  \(bank.dialect.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0))  ack \(bank.acknowledgement.mode.padding(toLength: 8, withPad: " ", startingAt: 0))  \(bank.name)")
            }
            let client = APIClient(baseURL: deployment.apiBaseURL)
            let dialects = Dictionary(banks.map { ($0.code.rawValue, $0.dialect.rawValue) }, uniquingKeysWith: { a, _ in a })
            let victimLedger = deployment.simulators[BankCode(story.victimBank)!]?.ledger
            let victimNumber = AccountNumber(story.victimAccount)!
            let balanceBefore = await victimLedger?.account(victimNumber)?.balance

            // 1. The victim's report: a case with chasing on, and the freeze at the first hop.
            print("\n1 · \(story.victimName) reports paying \(story.amount) THB to \(story.firstBank)/…\(story.firstAccount.suffix(4)); the case system opens \(story.caseID)")
            _ = try await client.send("PUT", "/v1/cases/\(story.caseID)", body: story.caseBody())
            let submittedAt = Date()
            let first = try await client.submit(story.firstFreeze(), idempotencyKey: "demo-\(story.caseID)-hop1")
            guard first.status == 202 else { throw CommandFailure("the first freeze was refused: HTTP \(first.status)") }
            for extra in story.extraOrders(banks: banks) {
                let reply = try await client.submit(extra.body, idempotencyKey: extra.key)
                if reply.status != 202 {
                    print("  ✗ \(extra.label): HTTP \(reply.status) \(reply.headers["content-type"] ?? "") — \(reply.json?["detail"] as? String ?? "")")
                }
            }

            // 2. Ayat freezes every hop, chasing each onward transfer at the next bank.
            print("\n2 · Ayat freezes the trail hop by hop (the tree fills in as banks report onward transfers)\n")
            let table = LiveTable(header: ["HOP", "BANK", "DIALECT", "ACCOUNT", "HOLDER", "STATUS", "DEADLINE", "HELD", "MONEY MOVED ON"],
                                  live: Console.isTerminal)
            let trailDeadline = Date().addingTimeInterval(timeout)
            var caseView = [String: Any]()
            var seenFrozen: Date?
            while true {
                caseView = try await client.get("/v1/cases/\(story.caseID)").json ?? [:]
                let summary = caseView["summary"] as? [String: Any] ?? [:]
                let done = (summary["hopsOpen"] as? Int) == 0 && (summary["hops"] as? Int ?? 0) >= story.expectedHops
                if done { seenFrozen = Date() }
                table.draw(DemoStory.rows(caseView, dialects: dialects))
                if done || Date() > trailDeadline { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            table.finish()
            let summary = caseView["summary"] as? [String: Any] ?? [:]
            let frozen = summary["hopsFrozen"] as? Int ?? 0
            let seconds = summary["reportToLastHopFrozenSeconds"] as? Double
            print("\n  \(frozen) of \(summary["hops"] as? Int ?? 0) hops frozen · held \(DemoStory.total(summary["totalHeld"])) of \(DemoStory.total(summary["totalReported"])) reported")
            if let seconds, let seenFrozen {
                let ayat = seenFrozen.timeIntervalSince(submittedAt)
                print("  Ayat: first freeze submitted → every hop frozen, as the case system sees it: \(String(format: "%.2f", ayat)) s")
                print("  victim's report → last hop frozen: \(String(format: "%.1f", seconds / 60)) min (the report reached the centre 20 min ago; the law allows 60)")
            }
            guard frozen == story.expectedHops else { return DemoOutcome(trailFrozen: false, refunded: false, victimGain: nil) }

            // 3. Refund the victim from every hold.
            print("\n3 · The court orders the held money returned: Ayat sends a refund to every bank holding it\n")
            var refunds = [String]()
            for hop in DemoStory.flatten(caseView["trail"] as? [[String: Any]] ?? []) {
                guard let held = (hop["amountHeld"] as? [String: Any])?["value"] as? String, let id = hop["orderId"] as? String,
                      let bank = hop["bank"] as? String, let account = hop["account"] as? String, let holder = hop["holderName"] as? String
                else { continue }
                let reply = try await client.submit(story.refund(bank: bank, number: account, holder: holder, amount: held, relatedOrder: id),
                                                    idempotencyKey: "demo-refund-\(id)")
                if let refundID = reply.json?["id"] as? String { refunds.append(refundID) }
            }
            let refundTable = LiveTable(header: ["REFUND", "BANK", "DIALECT", "AMOUNT", "STATUS", "RETURN REFERENCE"], live: Console.isTerminal)
            let refundDeadline = Date().addingTimeInterval(timeout)
            var statuses = [String]()
            while true {
                var rows = [[String]]()
                statuses = []
                for id in refunds {
                    let view = try await client.get("/v1/orders/\(id)").json ?? [:]
                    let status = view["status"] as? String ?? "?"
                    statuses.append(status)
                    let bank = view["bank"] as? String ?? ""
                    rows.append([id, bank, dialects[bank] ?? "", DemoStory.money(view["amount"]), status,
                                 (view["execution"] as? [String: Any])?["returnReference"] as? String ?? ""])
                }
                refundTable.draw(rows)
                if statuses.allSatisfy({ OrderState(rawValue: $0).isTerminal }) || Date() > refundDeadline { break }
                try await Task.sleep(for: .milliseconds(150))
            }
            refundTable.finish()
            let balanceAfter = await victimLedger?.account(victimNumber)?.balance
            let gain = balanceAfter.flatMap { after in balanceBefore.map { Money(minorUnits: after.minorUnits - $0.minorUnits, currency: after.currency) } }
            if let balanceBefore, let balanceAfter {
                print("\n  \(story.victimName)'s balance at bank \(story.victimBank): \(balanceBefore) → \(balanceAfter)")
            }
            return DemoOutcome(trailFrozen: true, refunded: !refunds.isEmpty && statuses.allSatisfy { $0 == OrderState.executed.rawValue },
                               victimGain: gain)
        }
        guard outcome.trailFrozen else { throw CommandFailure("not every hop was frozen within \(Int(timeout)) s") }
        guard outcome.refunded else { throw CommandFailure("not every refund was executed within \(Int(timeout)) s") }
        print("\nEvery hop frozen and every refund executed, each step proven by a signed message verified against the bank's pinned certificate.")
        print("Inspect: swift run ayat orders list --state \(directory.url.path)   ·   swift run ayat audit verify --state \(directory.url.path)")
    }
}

struct DemoOutcome: Sendable {
    var trailFrozen: Bool
    var refunded: Bool
    var victimGain: Money?
}

/// Rows redrawn in place on a terminal; printed only when they change otherwise.
final class LiveTable: @unchecked Sendable {
    let header: [String]
    private let live: Bool
    private var drawnLines = 0
    private var lastPrinted = [[String]]()

    init(header: [String], live: Bool) {
        self.header = header
        self.live = live
    }

    private func render(_ rows: [[String]]) -> [String] {
        TextTable.lines(header, rows)
    }

    func draw(_ rows: [[String]]) {
        if live {
            let lines = render(rows)
            if drawnLines > 0 { print("\u{1B}[\(drawnLines)A", terminator: "") }
            for line in lines { print("\u{1B}[2K" + line) }
            drawnLines = lines.count
        } else if rows != lastPrinted {
            for line in render(rows) { print(line) }
            print("")
        }
        lastPrinted = rows
    }

    func finish() {}
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

    func send(_ method: String, _ path: String, body: String) async throws -> Reply {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .init(rawValue: method)
        request.headers.add(name: "Content-Type", value: "application/json")
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
