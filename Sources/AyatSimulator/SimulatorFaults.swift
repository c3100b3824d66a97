/// Bad days a simulated bank can have, switched on by tests and scenarios.
public struct SimulatorFaults: Sendable, Hashable, Codable {
    /// Answer this many requests with 503 before behaving.
    public var unavailableForRequests: Int = 0
    /// Send replies (receipts, results) whose signature does not verify.
    public var corruptReceiptSignature: Bool = false
    /// Send callbacks whose signature does not verify.
    public var corruptCallbackSignature: Bool = false

    public init(unavailableForRequests: Int = 0, corruptReceiptSignature: Bool = false, corruptCallbackSignature: Bool = false) {
        self.unavailableForRequests = unavailableForRequests
        self.corruptReceiptSignature = corruptReceiptSignature
        self.corruptCallbackSignature = corruptCallbackSignature
    }
}
