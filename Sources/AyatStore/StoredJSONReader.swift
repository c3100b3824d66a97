import Foundation
import AyatCore
import AyatJOSE

/// Reads back what `StoredJSON` (or, for older rows, Foundation's encoder) wrote for the rows
/// read on every claim and callback, with the strict JSON parser instead of `JSONDecoder`.
/// Every value is checked as the `Codable` conformances check it; a damaged row is an error
/// naming the member, never a guess.
struct StoredJSONReader {
    private let object: JSONObject
    /// What is being read, for errors: "a stored order", "a stored order's account".
    private let what: String

    init(_ bytes: [UInt8], what: String) throws {
        do {
            object = try JSONObject.parse(bytes)
        } catch {
            throw StoreError("\(what) is not a JSON object: \(error)")
        }
        self.what = what
    }

    private init(_ object: JSONObject, what: String) {
        self.object = object
        self.what = what
    }

    private func missing(_ name: String, _ kind: String) -> StoreError {
        StoreError("\(what) has no \(kind) \(name)")
    }

    /// nil for an absent member or an explicit null, as `decodeIfPresent` reads them.
    private func present(_ name: String) -> JSONValue? {
        switch object[name] {
        case nil, .null?: return nil
        case let value?: return value
        }
    }

    func string(_ name: String) throws -> String {
        guard let value = object[name]?.stringValue else { throw missing(name, "string") }
        return value
    }

    func optionalString(_ name: String) throws -> String? {
        guard let value = present(name) else { return nil }
        guard let text = value.stringValue else { throw missing(name, "string") }
        return text
    }

    func int(_ name: String) throws -> Int64 {
        guard case .int(let value)? = object[name] else { throw missing(name, "integer") }
        return value
    }

    /// `deferredToDate`: seconds since 2001-01-01.
    func date(_ name: String) throws -> Date {
        guard let seconds = object[name]?.doubleValue else { throw missing(name, "time") }
        return Date(timeIntervalSinceReferenceDate: seconds)
    }

    func object(_ name: String) throws -> StoredJSONReader {
        guard let value = object[name]?.objectValue else { throw missing(name, "object") }
        return StoredJSONReader(value, what: "\(what)'s \(name)")
    }

    func optionalObject(_ name: String) throws -> StoredJSONReader? {
        guard present(name) != nil else { return nil }
        return try object(name)
    }

    func objects(_ name: String) throws -> [StoredJSONReader] {
        guard let values = object[name]?.arrayValue else { throw missing(name, "array") }
        return try values.map { value in
            guard let member = value.objectValue else { throw StoreError("\(what)'s \(name) holds something other than objects") }
            return StoredJSONReader(member, what: "\(what)'s \(name)")
        }
    }

    /// A member that must be valid for its type: `make` returns nil when it is not.
    func valid<T>(_ name: String, _ make: (String) -> T?) throws -> T {
        guard let value = make(try string(name)) else { throw StoreError("\(what)'s \(name) is not valid") }
        return value
    }

    func optionalValid<T>(_ name: String, _ make: (String) -> T?) throws -> T? {
        guard present(name) != nil else { return nil }
        return try valid(name, make)
    }
}

extension StoredJSON {
    /// An event row's body; the feed reads every event once per page.
    static func event(_ bytes: [UInt8], sequence: Int64) throws -> GatewayEvent {
        let event = try StoredJSONReader(bytes, what: "a stored event")
        return GatewayEvent(
            id: try event.string("id"), sequence: sequence, type: try event.string("type"), caseID: try event.valid("caseID", CaseID.init),
            orderID: try event.optionalString("orderID").map(OrderID.init(rawValue:)), at: try event.date("at"),
            state: try event.optionalString("state").map(OrderState.init(rawValue:)), detail: try event.optionalString("detail")
        )
    }

    static func order(_ bytes: [UInt8]) throws -> Order {
        let order = try StoredJSONReader(bytes, what: "a stored order")
        let transfer = try order.object("reportedTransfer")
        let chase = try order.optionalObject("chasedFrom")
        return Order(
            id: OrderID(rawValue: try order.string("id")), kind: OrderKind(rawValue: try order.string("kind")),
            caseID: try order.valid("caseID", CaseID.init), bank: try order.valid("bank", BankCode.init),
            account: try account(order.object("account")), amount: try money(order.object("amount")),
            reportedTransfer: ReportedTransfer(reference: try transfer.string("reference"), time: try transfer.date("time")),
            legalBasis: try order.string("legalBasis"), requestedBy: try order.string("requestedBy"),
            reportedAt: try order.date("reportedAt"), deadline: try order.date("deadline"), acceptedAt: try order.date("acceptedAt"),
            beneficiary: try order.optionalObject("beneficiary").map(bankAccount), reason: try order.optionalString("reason"),
            relatedOrder: try order.optionalString("relatedOrder").map(OrderID.init(rawValue:)),
            chasedFrom: try chase.map { chase in
                ChaseOrigin(parentOrder: OrderID(rawValue: try chase.string("parentOrder")),
                            transferReference: try chase.string("transferReference"), hop: Int(try chase.int("hop")))
            }
        )
    }

    static func execution(_ bytes: [UInt8]) throws -> ExecutionOutcome {
        let outcome = try StoredJSONReader(bytes, what: "a stored execution")
        return ExecutionOutcome(
            executedAt: try outcome.date("executedAt"), amount: try outcome.optionalObject("amount").map(money),
            onwardTransfers: try outcome.objects("onwardTransfers").map { transfer in
                OnwardTransfer(
                    to: try transfer.valid("to", BankCode.init), account: try transfer.valid("account", AccountNumber.init),
                    holderName: try transfer.optionalValid("holderName", HolderName.init), amount: try money(transfer.object("amount")),
                    reference: try transfer.string("reference"), time: try transfer.date("time")
                )
            },
            returnReference: try outcome.optionalString("returnReference")
        )
    }

    private static func account(_ account: StoredJSONReader) throws -> Account {
        Account(number: try account.valid("number", AccountNumber.init), holderName: try account.valid("holderName", HolderName.init))
    }

    private static func bankAccount(_ bankAccount: StoredJSONReader) throws -> BankAccount {
        BankAccount(bank: try bankAccount.valid("bank", BankCode.init), account: try account(bankAccount.object("account")))
    }

    /// The stored minor digits must be the ones the code has: a currency is its code.
    private static func money(_ money: StoredJSONReader) throws -> Money {
        let currency = try money.object("currency")
        let stored = try currency.valid("code", Currency.init)
        guard Int64(stored.minorDigits) == (try currency.int("minorDigits")) else {
            throw StoreError("a stored amount's currency \(stored.code) has other minor digits than ISO 4217 gives it")
        }
        return Money(minorUnits: try money.int("minorUnits"), currency: stored)
    }
}
