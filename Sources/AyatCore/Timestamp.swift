import Foundation

/// RFC 3339 timestamps, the only form Ayat reads and writes.
public enum Timestamp {
    /// Parses "2026-11-29T06:30:00Z", with optional fractional seconds and any UTC offset.
    public static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle())
    }

    /// UTC with milliseconds: "2026-11-29T06:30:00.123Z".
    public static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// UTC to the second: "2026-11-29T06:30:00Z" (for bank messages' xs:dateTime).
    public static func formatSeconds(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle())
    }
}
