import ArgumentParser
import Foundation
import AyatCore
import AyatServer
import AyatStore

struct OrdersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orders",
        abstract: "Inspect the orders in a state directory.",
        subcommands: [List.self, Show.self]
    )

    static func openStore(_ state: StateOption) throws -> SQLiteStore {
        let path = state.directory.database.path
        guard FileManager.default.fileExists(atPath: path) else {
            throw CommandFailure("no store at \(path); run `ayat demo --state DIR` or `ayat serve` first")
        }
        return try SQLiteStore(path: path)
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the latest orders with their status.")
        @OptionGroup var state: StateOption
        @Option(help: "How many orders to show.") var limit = 50

        func run() async throws {
            let records = try await OrdersCommand.openStore(state).orders(limit: limit)
            let now = Date()
            let rows = records.map {
                [$0.order.id.rawValue, $0.order.caseID.rawValue, $0.order.bank.rawValue, $0.order.account.number.redacted,
                 $0.order.amount.description, $0.state.rawValue, DeadlineState(deadline: $0.order.deadline, state: $0.state, now: now).rawValue]
            }
            printTable(["ORDER", "CASE", "BANK", "ACCOUNT", "AMOUNT", "STATUS", "DEADLINE"], rows)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one order, its timeline and its stored messages.")
        @OptionGroup var state: StateOption
        @Argument(help: "The order id (ord_…).") var id: String

        func run() async throws {
            let store = try OrdersCommand.openStore(state)
            let orderID = OrderID(rawValue: id)
            guard let record = try await store.order(orderID) else { throw CommandFailure("no order \(id)") }
            let order = record.order
            print("order     \(order.id)  (\(order.kind))")
            print("case      \(order.caseID)")
            print("bank      \(order.bank)  account \(order.account.number.redacted)")
            print("amount    \(order.amount)")
            print("status    \(record.state)  deadline \(Timestamp.format(order.deadline))")
            print("\ntimeline")
            printTable(["AT", "EVENT", "STATE", "TRY", "OUTCOME", "HTTP", "MESSAGES", "DETAIL"], try await store.timeline(of: orderID).map {
                [Timestamp.format($0.at), $0.event, $0.state.rawValue, $0.attempt.map(String.init) ?? "", $0.outcome ?? "",
                 $0.httpStatus.map(String.init) ?? "", $0.messageIDs.map(\.rawValue).joined(separator: " "), $0.detail ?? ""]
            })
            print("\nmessages")
            printTable(["DIR", "KIND", "ID", "DIALECT", "BYTES", "RECORDED"], try await store.messages(of: orderID).map {
                [$0.direction.rawValue, $0.kind, $0.messageID?.rawValue ?? "-", $0.dialect, String($0.bytes.count), Timestamp.format($0.recordedAt)]
            })
        }
    }
}

func printTable(_ header: [String], _ rows: [[String]]) {
    let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
    func line(_ cells: [String]) -> String {
        zip(cells, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
    }
    print(line(header))
    print(line(widths.map { String(repeating: "─", count: $0) }))
    for row in rows { print(line(row)) }
}
