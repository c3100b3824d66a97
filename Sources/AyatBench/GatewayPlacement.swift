import Foundation

/// Where a run's gateway lives.
public enum GatewayPlacement: Sendable, Hashable {
    /// In the bench process, beside the simulated banks and the load generator: one process's
    /// memory counts all three.
    case inProcess
    /// As `executable serve` in a child process, so its peak RSS and start-up are its own;
    /// the run learns of acknowledgements and executions from its event feed, as a case system would.
    case childProcess(executable: URL)
}
