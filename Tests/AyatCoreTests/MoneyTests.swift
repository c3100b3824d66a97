import Testing
@testable import AyatCore

@Suite struct MoneyTests {
    let thb = Currency("THB")!

    @Test func parsesDecimalStringsIntoMinorUnits() {
        #expect(Money(decimal: "15000.50", currency: thb)?.minorUnits == 1_500_050)
        #expect(Money(decimal: "7", currency: thb)?.minorUnits == 700)
        #expect(Money(decimal: "0.05", currency: thb)?.minorUnits == 5)
    }

    @Test(arguments: ["", "-10", "1.234", "1.", ".5", "1e3", "12,000.00", " 1", "1 ", "１２"])
    func refusesMalformedAmounts(_ text: String) {
        #expect(Money(decimal: text, currency: thb) == nil)
    }

    @Test func respectsTheCurrencyExponent() {
        let yen = Currency("JPY")!
        #expect(Money(decimal: "1500", currency: yen)?.minorUnits == 1500)
        #expect(Money(decimal: "1500.5", currency: yen) == nil)
        #expect(Money(minorUnits: 1500, currency: yen).decimalString == "1500")
    }

    @Test func formatsWithTheCurrencyDecimals() {
        #expect(Money(minorUnits: 5, currency: thb).decimalString == "0.05")
        #expect(Money(minorUnits: 1_500_050, currency: thb).decimalString == "15000.50")
        #expect(Money(minorUnits: 1_500_050, currency: thb).description == "15000.50 THB")
    }

    @Test func currencyCodesAreThreeCapitalLetters() {
        #expect(Currency("thb") == nil)
        #expect(Currency("THBX") == nil)
        #expect(Currency("EUR")?.minorDigits == 2)
    }
}
