import Testing
@testable import AyatCore

@Suite struct IdentifierTests {
    @Test func bankCodesAreThreeDigits() {
        #expect(BankCode("014")?.rawValue == "014")
        #expect(BankCode("14") == nil)
        #expect(BankCode("0140") == nil)
        #expect(BankCode("01a") == nil)
    }

    @Test func accountNumbersAreRedactedWhenPrinted() {
        let number = AccountNumber("1402339876")!
        #expect("\(number)" == "••••••9876")
        #expect(!"\(number)".contains("140233"))
        #expect(AccountNumber("12345") == nil)
        #expect(AccountNumber("12345678901234567890X") == nil)
    }

    @Test func holderNamesKeepThaiScriptButAreRedactedWhenPrinted() {
        let name = HolderName("สมชาย ใจดี")!
        #expect(name.rawValue == "สมชาย ใจดี")
        #expect(!"\(name)".contains("ใจดี"))
        #expect(HolderName(" padded") == nil)
        #expect(HolderName("line\nbreak") == nil)
    }

    @Test func messageIDsFitISO20022Max35Text() {
        let id = MessageID.generate()
        #expect(id.rawValue.count == 35)
        #expect(MessageID.generate() != id)
    }
}
