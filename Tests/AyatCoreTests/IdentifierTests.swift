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

    /// The rule is Unicode's general category Cc, checked by ranges; compared here with the
    /// category itself on every scalar up to U+00FF and a few beyond.
    @Test func holderNamesRefuseExactlyTheControlCharacters() {
        for value in Array(0...0xFF) + [0x200B, 0x2028, 0xFEFF, 0x0E01] {
            guard let scalar = Unicode.Scalar(value), !" \t\n\r\u{0B}\u{0C}\u{85}\u{A0}".unicodeScalars.contains(scalar) else { continue }
            let control = scalar.properties.generalCategory == .control
            #expect((HolderName("a\(Character(scalar))b") == nil) == control, "U+\(String(value, radix: 16))")
        }
        #expect(HolderName(String(repeating: "ก", count: 140)) != nil)
        #expect(HolderName(String(repeating: "ก", count: 141)) == nil)
        // Lengths count code points, as XML Schema and JSON Schema do: 70 consonants with a
        // vowel sign each are 140, 71 are 142 (71 grapheme clusters), which no bank's schema takes.
        #expect(HolderName(String(repeating: "ก\u{0E34}", count: 70)) != nil)
        #expect(HolderName(String(repeating: "ก\u{0E34}", count: 71)) == nil)
    }

    /// XML 1.0 cannot carry U+FFFE or U+FFFF; refused up front, every bank's order would fail
    /// otherwise only where its dialect is XML.
    @Test func holderNamesRefuseWhatNoBankMessageCanCarry() {
        #expect(HolderName("a\u{FFFE}b") == nil)
        #expect(HolderName("a\u{FFFF}b") == nil)
        #expect(HolderName("a\u{FFFD}b") != nil)
        #expect(HolderName("a\u{10FFFF}b") != nil)
        #expect(HolderName("a\u{E000}b") != nil)
    }

    @Test func textFitsCountsCodePoints() {
        #expect("ชาย".fits(3))
        #expect(!"ชาย".fits(2), "3 code points, 2 grapheme clusters")
        #expect("".fits(0))
        #expect(String(repeating: "é", count: 35).fits(35))
        #expect(!String(repeating: "e\u{0301}", count: 18).fits(35), "36 code points")
    }

    @Test func controlCharactersAreExactlyCategoryCcOnEveryScalar() {
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            if scalar.isControlCharacter != (scalar.properties.generalCategory == .control) {
                Issue.record("U+\(String(value, radix: 16))")
            }
        }
    }

    @Test func trimmingRemovesWhiteSpaceAtBothEndsOnly() {
        #expect("สมชาย".trimmingWhiteSpace == "สมชาย")
        #expect(" \t สมชาย ใจดี\n\u{A0}".trimmingWhiteSpace == "สมชาย ใจดี")
        #expect("a ".trimmingWhiteSpace == "a")
        #expect(" a".trimmingWhiteSpace == "a")
        #expect(" \u{2028} ".trimmingWhiteSpace == "")
        #expect("".trimmingWhiteSpace == "")
        #expect("x y z"[...].dropFirst().trimmingWhiteSpace == "y z")
    }

    @Test func messageIDsFitISO20022Max35Text() {
        let id = MessageID.generate()
        #expect(id.rawValue.count == 35)
        #expect(MessageID.generate() != id)
    }
}
