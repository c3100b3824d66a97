import Foundation
import AyatDialects

/// When to try again: exponential backoff with full jitter, capped, and a
/// bank's `Retry-After` honoured (within the cap).
public struct RetrySchedule: Sendable, Hashable {
    public var initialDelay: TimeInterval
    public var maxDelay: TimeInterval

    public init(initialDelay: TimeInterval, maxDelay: TimeInterval) {
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
    }

    public init(_ retry: BankProfile.Retry) {
        self.init(initialDelay: retry.initialDelay, maxDelay: retry.maxDelay)
    }

    /// The longest `Retry-After` obeyed: a bank cannot park a freeze for longer than its deadline matters.
    public static let longestRetryAfter: TimeInterval = 3600

    /// The delay before attempt `attempt + 1`, after attempt `attempt` failed.
    /// A bank's `Retry-After` is obeyed as given (no attempt before it), whatever the backoff cap.
    public func delay(after attempt: Int, retryAfter: TimeInterval? = nil) -> TimeInterval {
        if let retryAfter, retryAfter >= 0 { return min(retryAfter, Self.longestRetryAfter) }
        let exponent = Double(min(max(attempt - 1, 0), 30))
        let ceiling = min(maxDelay, initialDelay * pow(2, exponent))
        // Full jitter spreads retries of many orders over the whole window.
        return Double.random(in: 0...ceiling).clamped(min: 0.01)
    }

    /// Parses `Retry-After` as delay-seconds or an HTTP date.
    public static func parseRetryAfter(_ value: String?, now: Date) -> TimeInterval? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Int(value) { return TimeInterval(max(seconds, 0)) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: value).map { max($0.timeIntervalSince(now), 0) }
    }
}

extension Double {
    func clamped(min lower: Double) -> Double { Swift.max(self, lower) }
}
