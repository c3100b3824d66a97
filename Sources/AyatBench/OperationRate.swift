/// Operations per second of a synchronous body on this thread, after one warm-up call.
///
/// The count is run as five equal batches and the fastest batch is the rate: on a shared host a
/// neighbour's burst can only slow a batch down, never speed one up, so the fastest is the one
/// least disturbed. The Python baselines are measured the same way.
public enum OperationRate {
    public static let batches = 5

    public static func measure(_ count: Int, _ body: () throws -> Void) throws -> Double {
        try body()
        let clock = ContinuousClock()
        let batch = max(1, count / batches)
        var best = 0.0
        for _ in 0..<batches {
            let elapsed = try clock.measure { for _ in 0..<batch { try body() } }
            best = max(best, Double(batch) / elapsed.seconds)
        }
        return best
    }
}
