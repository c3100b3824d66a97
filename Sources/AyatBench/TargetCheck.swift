/// One of the performance targets (issue 9) as one run of the suite measured it: the suite
/// ends with every one it could check, so a single run of the documented command says where
/// each stands.
public struct TargetCheck: Sendable, Equatable {
    /// What is asked, e.g. "rsa-xml accept→acknowledged ≥ 2000 orders/s, ack sync".
    public let target: String
    /// What this run measured, with its ratio to the target.
    public let measured: String
    public let met: Bool

    public var line: String { "\(met ? "met    " : "NOT met") · \(target): \(measured)" }
}
