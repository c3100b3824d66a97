/// An amount in a currency's minor units, so no floating point ever touches money.
public struct Money: Hashable, Sendable, Codable, CustomStringConvertible {
    public let minorUnits: Int64
    public let currency: Currency

    public init(minorUnits: Int64, currency: Currency) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    /// Parses a plain decimal string ("15000.50") with at most the currency's number of decimals.
    public init?(decimal text: String, currency: Currency) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count) else { return nil }
        let whole = parts[0]
        let fraction = parts.count == 2 ? parts[1] : ""
        let isDigits: (Substring) -> Bool = { $0.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } }
        guard !whole.isEmpty, whole.count <= 15, isDigits(whole), isDigits(fraction),
              parts.count == 1 || !fraction.isEmpty,
              fraction.count <= currency.minorDigits else { return nil }
        let paddedFraction = fraction + String(repeating: "0", count: currency.minorDigits - fraction.count)
        guard let units = Int64(whole + paddedFraction) else { return nil }
        self.init(minorUnits: units, currency: currency)
    }

    /// The amount as a decimal string with exactly the currency's decimals ("15000.50").
    public var decimalString: String {
        let digits = currency.minorDigits
        guard digits > 0 else { return String(minorUnits) }
        let magnitude = String(minorUnits.magnitude)
        let padded = String(repeating: "0", count: max(0, digits + 1 - magnitude.count)) + magnitude
        let split = padded.index(padded.endIndex, offsetBy: -digits)
        return (minorUnits < 0 ? "-" : "") + padded[..<split] + "." + padded[split...]
    }

    public var description: String { "\(decimalString) \(currency.code)" }
}

/// An ISO 4217 currency code with its number of minor digits.
public struct Currency: Hashable, Sendable, Codable, CustomStringConvertible {
    public let code: String
    public let minorDigits: Int

    /// Known codes carry their ISO 4217 exponent; any other three-letter code gets 2.
    public init?(_ code: String) {
        guard code.utf8.count == 3, code.utf8.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) else { return nil }
        self.code = code
        self.minorDigits = Currency.exponents[code] ?? 2
    }

    public var description: String { code }

    private static let exponents: [String: Int] = ["JPY": 0, "KRW": 0, "VND": 0, "BHD": 3, "KWD": 3, "OMR": 3]
}
