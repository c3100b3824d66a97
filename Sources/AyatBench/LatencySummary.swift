import Histogram

/// Percentiles of one latency distribution, in milliseconds, from an HdrHistogram.
public struct LatencySummary: Sendable, Hashable {
    public let count: UInt64
    public let p50: Double
    public let p90: Double
    public let p99: Double
    public let p999: Double
    public let max: Double

    /// `histogram` holds microseconds.
    init(_ histogram: Histogram<UInt64>) {
        count = histogram.totalCount
        func ms(_ value: UInt64) -> Double { Double(value) / 1000 }
        p50 = ms(histogram.valueAtPercentile(50))
        p90 = ms(histogram.valueAtPercentile(90))
        p99 = ms(histogram.valueAtPercentile(99))
        p999 = ms(histogram.valueAtPercentile(99.9))
        max = ms(histogram.max)
    }

    public var line: String {
        guard count > 0 else { return "no samples" }
        return "p50 \(Format.ms(p50))  p90 \(Format.ms(p90))  p99 \(Format.ms(p99))  p99.9 \(Format.ms(p999))  max \(Format.ms(max))"
    }
}

/// A histogram of microseconds from 1 µs to 10 minutes, three significant digits.
func makeLatencyHistogram() -> Histogram<UInt64> {
    Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
}
