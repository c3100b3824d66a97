import Foundation
import AyatCore
import AyatJOSE

/// The JSON the store writes for the rows every order adds (orders, cases, executions, timeline
/// entries, events, message headers, stored as BLOBs), built directly instead of through Foundation's `JSONEncoder`: inside
/// the one writer's transaction, the generic encoder was a third of the time. The shape is
/// what the synthesised `Codable` conformances read back (`Codecs.decoder`): keys sorted,
/// absent optionals left out, dates as seconds since 2001 (`deferredToDate`).
enum StoredJSON {
    static func encode(_ entry: TimelineEntry) -> Data {
        var members: [(String, JSONValue)] = [("at", date(entry.at))]
        if let attempt = entry.attempt { members.append(("attempt", .int(Int64(attempt)))) }
        if let detail = entry.detail { members.append(("detail", .string(detail))) }
        members.append(("event", .string(entry.event)))
        if let status = entry.httpStatus { members.append(("httpStatus", .int(Int64(status)))) }
        members.append(("messageIDs", .array(entry.messageIDs.map { .string($0.rawValue) })))
        if let outcome = entry.outcome { members.append(("outcome", .string(outcome))) }
        members.append(("state", .string(entry.state.rawValue)))
        return Data(JSONObject(members).encoded())
    }

    static func encode(_ event: GatewayEvent) -> Data {
        var members: [(String, JSONValue)] = [("at", date(event.at)), ("caseID", .string(event.caseID.rawValue))]
        if let detail = event.detail { members.append(("detail", .string(detail))) }
        members.append(("id", .string(event.id)))
        if let order = event.orderID { members.append(("orderID", .string(order.rawValue))) }
        members.append(("sequence", .int(event.sequence)))
        if let state = event.state { members.append(("state", .string(state.rawValue))) }
        members.append(("type", .string(event.type)))
        return Data(JSONObject(members).encoded())
    }

    /// An order's body: written once at intake, read back by every claim and callback.
    static func encode(_ order: Order) -> Data {
        var members: [(String, JSONValue)] = [
            ("id", .string(order.id.rawValue)), ("kind", .string(order.kind.rawValue)), ("caseID", .string(order.caseID.rawValue)),
            ("bank", .string(order.bank.rawValue)), ("account", account(order.account)), ("amount", money(order.amount)),
            ("reportedTransfer", .object(JSONObject([("reference", .string(order.reportedTransfer.reference)),
                                                     ("time", date(order.reportedTransfer.time))]))),
            ("legalBasis", .string(order.legalBasis)), ("requestedBy", .string(order.requestedBy)),
            ("reportedAt", date(order.reportedAt)), ("deadline", date(order.deadline)), ("acceptedAt", date(order.acceptedAt)),
        ]
        if let beneficiary = order.beneficiary { members.append(("beneficiary", bankAccount(beneficiary))) }
        if let reason = order.reason { members.append(("reason", .string(reason))) }
        if let related = order.relatedOrder { members.append(("relatedOrder", .string(related.rawValue))) }
        if let origin = order.chasedFrom {
            members.append(("chasedFrom", .object(JSONObject([
                ("hop", .int(Int64(origin.hop))), ("parentOrder", .string(origin.parentOrder.rawValue)),
                ("transferReference", .string(origin.transferReference)),
            ]))))
        }
        return sorted(members)
    }

    static func encode(_ file: CaseFile) -> Data {
        var members: [(String, JSONValue)] = [
            ("id", .string(file.id.rawValue)), ("reportedAt", date(file.reportedAt)),
            ("createdAt", date(file.createdAt)), ("updatedAt", date(file.updatedAt)),
        ]
        if let victim = file.victim { members.append(("victim", bankAccount(victim))) }
        if let chasing = file.chasing { members.append(("chasing", .bool(chasing))) }
        if let complaint = file.policeComplaintAt { members.append(("policeComplaintAt", date(complaint))) }
        return sorted(members)
    }

    static func encode(_ outcome: ExecutionOutcome) -> Data {
        var members: [(String, JSONValue)] = [
            ("executedAt", date(outcome.executedAt)),
            ("onwardTransfers", .array(outcome.onwardTransfers.map { transfer in
                var fields: [(String, JSONValue)] = [
                    ("to", .string(transfer.to.rawValue)), ("account", .string(transfer.account.rawValue)),
                    ("amount", money(transfer.amount)), ("reference", .string(transfer.reference)), ("time", date(transfer.time)),
                ]
                if let name = transfer.holderName { fields.append(("holderName", .string(name.rawValue))) }
                return .object(JSONObject(fields.sorted { $0.0 < $1.0 }))
            })),
        ]
        if let amount = outcome.amount { members.append(("amount", money(amount))) }
        if let reference = outcome.returnReference { members.append(("returnReference", .string(reference))) }
        return sorted(members)
    }

    static func encode(_ headers: [String: String]) -> Data {
        Data(JSONObject(headers.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) }).encoded())
    }

    private static func sorted(_ members: [(String, JSONValue)]) -> Data {
        Data(JSONObject(members.sorted { $0.0 < $1.0 }).encoded())
    }

    private static func account(_ account: Account) -> JSONValue {
        .object(JSONObject([("holderName", .string(account.holderName.rawValue)), ("number", .string(account.number.rawValue))]))
    }

    private static func bankAccount(_ bankAccount: BankAccount) -> JSONValue {
        .object(JSONObject([("account", account(bankAccount.account)), ("bank", .string(bankAccount.bank.rawValue))]))
    }

    private static func money(_ money: Money) -> JSONValue {
        .object(JSONObject([
            ("currency", .object(JSONObject([("code", .string(money.currency.code)), ("minorDigits", .int(Int64(money.currency.minorDigits)))]))),
            ("minorUnits", .int(money.minorUnits)),
        ]))
    }

    /// `deferredToDate`: a `Date` encodes itself as its seconds since 2001-01-01.
    private static func date(_ date: Date) -> JSONValue { .number(date.timeIntervalSinceReferenceDate) }
}
