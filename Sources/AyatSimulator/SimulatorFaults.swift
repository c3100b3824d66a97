/// Bad days a simulated bank can have, switched on by tests and scenarios.
public struct SimulatorFaults: Sendable, Hashable, Codable {
    /// Answer this many requests with 503 before behaving.
    public var unavailableForRequests: Int = 0
    /// Send receipts whose signature does not verify.
    public var corruptReceiptSignature: Bool = false

    public init(unavailableForRequests: Int = 0, corruptReceiptSignature: Bool = false) {
        self.unavailableForRequests = unavailableForRequests
        self.corruptReceiptSignature = corruptReceiptSignature
    }
}
