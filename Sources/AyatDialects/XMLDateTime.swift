import AyatCore
import Foundation

/// `xs:dateTime` to the second in UTC ("2026-11-29T06:30:00Z"), as the XML dialects write it,
/// without Foundation's general ISO 8601 machinery on the hot path. Exactly
/// `Timestamp.formatSeconds` / `Timestamp.parse` for that form (the tests compare them); any
/// other form or range goes to `Timestamp` itself.
enum XMLDateTime {
    static func format(_ date: Date) -> String {
        var bytes: [UInt8] = []
        write(date, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the form ``format(_:)`` returns.
    static func write(_ date: Date, into output: inout [UInt8]) {
        let interval = date.timeIntervalSince1970
        // 1970-01-01 ... 9999-12-31: four-digit years, and whole seconds by flooring.
        guard interval >= 0, interval < 253_402_300_800 else {
            output.append(contentsOf: Timestamp.formatSeconds(date).utf8)
            return
        }
        let seconds = Int(interval.rounded(.down))
        let (days, secondOfDay) = seconds.quotientAndRemainder(dividingBy: 86_400)
        let (year, month, day) = civil(fromDays: days)
        let start = output.count
        output.append(contentsOf: repeatElement(0, count: 20))
        func put(_ value: Int, _ at: Int, _ width: Int) {
            var value = value
            for index in stride(from: start + at + width - 1, through: start + at, by: -1) {
                output[index] = UInt8(ascii: "0") + UInt8(value % 10)
                value /= 10
            }
        }
        put(year, 0, 4)
        output[start + 4] = UInt8(ascii: "-")
        put(month, 5, 2)
        output[start + 7] = UInt8(ascii: "-")
        put(day, 8, 2)
        output[start + 10] = UInt8(ascii: "T")
        put(secondOfDay / 3600, 11, 2)
        output[start + 13] = UInt8(ascii: ":")
        put(secondOfDay / 60 % 60, 14, 2)
        output[start + 16] = UInt8(ascii: ":")
        put(secondOfDay % 60, 17, 2)
        output[start + 19] = UInt8(ascii: "Z")
    }

    static func parse(_ text: String) -> Date? {
        let utf8 = Array(text.utf8)
        func number(_ at: Int, _ width: Int) -> Int? {
            var value = 0
            for index in at..<(at + width) {
                let byte = utf8[index]
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard utf8.count == 20, utf8[4] == UInt8(ascii: "-"), utf8[7] == UInt8(ascii: "-"), utf8[10] == UInt8(ascii: "T"),
            utf8[13] == UInt8(ascii: ":"), utf8[16] == UInt8(ascii: ":"), utf8[19] == UInt8(ascii: "Z"),
            let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
            let minute = number(14, 2), let second = number(17, 2),
            year >= 1970, (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour < 24,
            minute < 60, second < 60
        else { return Timestamp.parse(text) }
        let days = self.days(fromCivil: year, month, day)
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + hour * 3600 + minute * 60 + second))
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    private static func days(fromCivil year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = y / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func civil(fromDays days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = z / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
