import Foundation
import AyatCore
import AyatJOSE

/// One JSON object of a message being read, with its path for error reasons
/// ("order.account.number: must be 6 to 20 digits"). It applies the same rules
/// as `schemas/json-*.schema.json` (there is no JSON Schema validator in Swift
/// here; the tests check the two agree by validating rendered messages with
/// Python `jsonschema`): required members, types, lengths, patterns, and no
/// members the schema does not define.
struct JSONFields {
    let object: JSONObject
    let path: String

    /// Refuses anything but an object, and any member not in `members`.
    init(_ value: JSONValue?, path: String, members: Set<String>) throws {
        guard let value else { throw DialectError(.schemaViolation, "\(path): is required") }
        guard case .object(let object) = value else { throw DialectError(.schemaViolation, "\(path): must be an object") }
        self.object = object
        self.path = path
        for name in object.names where !members.contains(name) {
            throw DialectError(.schemaViolation, "\(Self.join(path, name)): is not a member the schema defines")
        }
    }

    static func join(_ path: String, _ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }
    func path(_ name: String) -> String { Self.join(path, name) }

    func violation(_ name: String, _ reason: String) -> DialectError {
        DialectError(.schemaViolation, "\(path(name)): \(reason)")
    }

    func has(_ name: String) -> Bool { object[name] != nil }

    func object(_ name: String, members: Set<String>) throws -> JSONFields {
        try JSONFields(object[name], path: path(name), members: members)
    }

    func optionalObject(_ name: String, members: Set<String>) throws -> JSONFields? {
        guard has(name) else { return nil }
        return try object(name, members: members)
    }

    /// A string of 1...`maxLength` Unicode code points (what JSON Schema's `maxLength` counts).
    func text(_ name: String, maxLength: Int) throws -> String {
        guard let value = object[name] else { throw violation(name, "is required") }
        guard case .string(let string) = value else { throw violation(name, "must be a string") }
        let length = string.unicodeScalars.count
        guard length >= 1 else { throw violation(name, "must not be empty") }
        guard length <= maxLength else { throw violation(name, "is \(length) characters, at most \(maxLength) allowed") }
        return string
    }

    func optionalText(_ name: String, maxLength: Int) throws -> String? {
        guard has(name) else { return nil }
        return try text(name, maxLength: maxLength)
    }

    /// A string turned into a domain value; `rule` says what a valid one looks like.
    func value<T>(_ name: String, maxLength: Int = 140, _ rule: String, _ make: (String) -> T?) throws -> T {
        let string = try text(name, maxLength: maxLength)
        guard let value = make(string) else { throw violation(name, rule) }
        return value
    }

    func optionalValue<T>(_ name: String, maxLength: Int = 140, _ rule: String, _ make: (String) -> T?) throws -> T? {
        guard has(name) else { return nil }
        return try value(name, maxLength: maxLength, rule, make)
    }

    /// One of a closed set of codes.
    func code(_ name: String, in allowed: [String]) throws -> String {
        let string = try text(name, maxLength: 35)
        guard allowed.contains(string) else { throw violation(name, "must be one of \(allowed.joined(separator: ", ")), got \"\(string)\"") }
        return string
    }

    /// An RFC 3339 UTC date-time ending in "Z", as the schema's pattern says.
    func dateTime(_ name: String) throws -> Date {
        try value(name, maxLength: 40, "must be an RFC 3339 date-time in UTC (ending in Z)") { text in
            JSONMessageBody.isUTCDateTime(text) ? Timestamp.parse(text) : nil
        }
    }

    func bankCode(_ name: String) throws -> BankCode {
        try value(name, maxLength: 3, "must be three digits", BankCode.init)
    }

    func accountNumber(_ name: String) throws -> AccountNumber {
        try value(name, maxLength: 20, "must be 6 to 20 digits", AccountNumber.init)
    }

    func holderName(_ name: String) throws -> HolderName {
        try value(name, maxLength: 140, "must be a name without leading or trailing spaces or control characters", HolderName.init)
    }

    /// `{"value": "15000.50", "currency": "THB"}`.
    func money(_ name: String) throws -> Money {
        let amount = try object(name, members: ["value", "currency"])
        let currency = try amount.value("currency", maxLength: 3, "must be three capital letters (ISO 4217)", Currency.init)
        let decimal = try amount.text("value", maxLength: 19)
        guard JSONMessageBody.isDecimalAmount(decimal) else {
            throw amount.violation("value", "must be a decimal string of up to 15 digits and 3 decimals, e.g. \"15000.50\"")
        }
        guard let money = Money(decimal: decimal, currency: currency) else {
            throw amount.violation("value", "has more decimals than \(currency.code) allows (\(currency.minorDigits))")
        }
        return money
    }

    func optionalMoney(_ name: String) throws -> Money? {
        guard has(name) else { return nil }
        return try money(name)
    }

    func array(_ name: String, maxItems: Int) throws -> [JSONValue] {
        guard let value = object[name] else { throw violation(name, "is required") }
        guard case .array(let elements) = value else { throw violation(name, "must be an array") }
        guard !elements.isEmpty else { throw violation(name, "must not be empty (leave it out instead)") }
        guard elements.count <= maxItems else { throw violation(name, "has \(elements.count) items, at most \(maxItems) allowed") }
        return elements
    }
}
