/// Operations per second of a synchronous body on this thread, after one warm-up call.
public enum OperationRate {
    public static func measure(_ count: Int, _ body: () throws -> Void) throws -> Double {
        try body()
        let clock = ContinuousClock()
        let elapsed = try clock.measure { for _ in 0..<count { try body() } }
        return Double(count) / elapsed.seconds
    }
}
