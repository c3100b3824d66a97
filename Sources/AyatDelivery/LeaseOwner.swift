import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Who holds a delivery lease: `dispatcher/<host>/<pid>/<random>`. Host and
/// process id let a restarted gateway tell a crashed dispatcher's leases
/// (same host, process gone) from a live one's, and take them back at once.
struct LeaseOwner: Hashable {
    var host: String
    var pid: Int32
    var instance: String

    static let current = LeaseOwner(
        host: ProcessInfo.processInfo.hostName, pid: ProcessInfo.processInfo.processIdentifier,
        instance: String(UUID().uuidString.prefix(8))
    )

    var name: String { "dispatcher/\(host)/\(pid)/\(instance)" }

    init(host: String, pid: Int32, instance: String) {
        self.host = host
        self.pid = pid
        self.instance = instance
    }

    init?(name: String) {
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "dispatcher", let pid = Int32(parts[2]) else { return nil }
        self.init(host: String(parts[1]), pid: pid, instance: String(parts[3]))
    }

    /// True only when the owner ran on this host and no process with its id exists.
    /// (A recycled pid keeps the lease until it expires: safe, just slower.)
    var isDeadOnThisHost: Bool {
        guard host == ProcessInfo.processInfo.hostName, self != Self.current else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }
}
