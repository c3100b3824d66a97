/// The ASCII decimals of checkpoints and proof files: digits only, no sign, no leading zero
/// (except "0" itself), within UInt64. One spelling per number, so signed text has one meaning.
enum Decimal {
    static func parse<S: StringProtocol>(_ text: S) -> UInt64? {
        let input = Array(text.utf8)
        guard let first = input.first else { return nil }
        guard first != UInt8(ascii: "0") || input.count == 1 else { return nil }
        var value: UInt64 = 0
        for symbol in input {
            guard symbol >= UInt8(ascii: "0"), symbol <= UInt8(ascii: "9") else { return nil }
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = shifted.addingReportingOverflow(UInt64(symbol - UInt8(ascii: "0")))
            guard !overflowA, !overflowB else { return nil }
            value = sum
        }
        return value
    }
}
