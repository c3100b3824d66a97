import AyatCore

/// An amount as the API shows it everywhere: the decimal value as a string, so no
/// client's floating point touches money, and the ISO 4217 code.
struct AmountView: Encodable {
    var value: String
    var currency: String

    init(_ money: Money) {
        value = money.decimalString
        currency = money.currency.code
    }
}
