import ArgumentParser
import Foundation
import AyatCore
import AyatServer
import AyatStore

struct OrdersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "orders",
        abstract: "Inspect the orders in a state directory; retry a failed one, cancel an open one.",
        subcommands: [List.self, Show.self, Retry.self, Cancel.self]
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

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Restart a failed order: its stored message is delivered again until --for has passed.",
            discussion: "Works on the state directory directly; a running gateway picks the order up within a second."
        )
        @OptionGroup var state: StateOption
        @Argument(help: "The order id (ord_…).") var id: String
        @Option(name: .customLong("for"), help: "Minutes to keep trying.") var minutes = 60.0
        @Option(help: "Why, for the timeline.") var reason = "retry requested by an operator"

        func run() async throws {
            guard minutes > 0 else { throw CommandFailure("--for must be a positive number of minutes") }
            let now = Date()
            let outcome = try await OrdersCommand.openStore(state).retry(
                OrderID(rawValue: id), reason: reason, until: now.addingTimeInterval(minutes * 60), at: now
            )
            try OrdersCommand.report(outcome, id: id, action: "retried", refusal: "only a failed order can be retried")
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop an order that has not executed: nothing more is sent for it.")
        @OptionGroup var state: StateOption
        @Argument(help: "The order id (ord_…).") var id: String
        @Option(help: "Why, for the timeline.") var reason = "cancelled by an operator"

        func run() async throws {
            let outcome = try await OrdersCommand.openStore(state).cancel(OrderID(rawValue: id), reason: reason, at: Date())
            try OrdersCommand.report(outcome, id: id, action: "cancelled", refusal: "an executed, rejected, failed or cancelled order cannot be cancelled")
        }
    }

    static func report(_ outcome: OperatorOutcome, id: String, action: String, refusal: String) throws {
        switch outcome {
        case .done(let state): print("\(id) \(action): now \(state)")
        case .refused(let state): throw CommandFailure("\(id) is \(state); \(refusal)")
        case .notFound: throw CommandFailure("no order \(id)")
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
