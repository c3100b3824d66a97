import AyatCore
import Foundation
import Testing

@testable import AyatDialects

/// The XML dialects format and read xs:dateTime with their own code on the hot path; it must
/// give exactly what AyatCore's Timestamp gives.
@Suite struct XMLDateTimeTests {
    @Test func formattingMatchesTimestampToTheSecond() {
        var generator = SystemRandomNumberGenerator()
        var instants: [TimeInterval] = [0, 0.999, 59.5, 86_399.999_9, 951_782_400, 1_764_399_600.25, 253_402_300_799.5]
        for _ in 0..<5_000 { instants.append(Double.random(in: 0..<253_402_300_800, using: &generator)) }
        for _ in 0..<1_000 { instants.append(Double(Int.random(in: 1_700_000_000..<1_900_000_000, using: &generator)) + 0.999_999) }
        for instant in instants {
            let date = Date(timeIntervalSince1970: instant)
            #expect(XMLDateTime.format(date) == Timestamp.formatSeconds(date), "\(instant)")
        }
        // Outside the fast range the answer is Timestamp's own.
        let early = Date(timeIntervalSince1970: -86_400.5)
        #expect(XMLDateTime.format(early) == Timestamp.formatSeconds(early))
    }

    @Test func readingMatchesTimestamp() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let text = Timestamp.formatSeconds(Date(timeIntervalSince1970: Double(Int.random(in: 0..<253_402_300_800, using: &generator))))
            #expect(XMLDateTime.parse(text) == Timestamp.parse(text), "\(text)")
        }
        for text in [
            "2026-02-29T00:00:00Z", "2024-02-29T23:59:59Z", "2026-11-31T00:00:00Z", "2026-11-29T24:00:00Z",
            "2026-11-29T06:30:60Z", "2026-11-29T06:30:00.123Z", "2026-11-29T06:30:00+07:00", "2026-13-01T00:00:00Z",
            "1969-12-31T23:59:59Z", "2026-11-29 06:30:00Z", "２026-11-29T06:30:00Z", "", "garbage",
        ] {
            #expect(XMLDateTime.parse(text) == Timestamp.parse(text), "\(text)")
        }
    }
}
